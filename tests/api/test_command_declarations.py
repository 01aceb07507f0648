"""Every command is declared once, and every piece it needs exists: a forgotten one fails here.

A command (`casework.commands`, `casework.journey.commands`) needs a row in the permission table
(but registering a clinic, which is the operator's), an input schema that builds it, a route that
loads that schema, and an application-service method that takes it. The schema's fields and the
route's path parameters together give every field of the command, and nothing else.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from typing import Any, get_type_hints

import pytest
from flask import Flask
from marshmallow import missing

import api.schemas
import casework
from api.schemas.commands import CommandSchema
from casework.application import Casework
from casework.commands import Command, Dated, RegisterClinic, RegisterPractitioner
from casework.journey.commands import DatedJourneyCommand, JourneyCommand
from casework.permissions import PERMISSIONS

BASES = {Command, Dated, JourneyCommand, DatedJourneyCommand}
SET_BY_THE_DEMO = {
    RegisterClinic: {"clinic_id", "admin_id"},
    RegisterPractitioner: {"practitioner_id"},
}
"""Fields only `casework demo` sets (fixed ids for the demo's tokens), never the API."""


def subclasses(base: type[Any], package: Any) -> set[type[Any]]:
    """Return every subclass of `base` defined in the modules of `package`."""
    for module_info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        importlib.import_module(module_info.name)
    found: set[type[Any]] = set()
    todo = [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith(package.__name__):
                found.add(sub)
            todo.append(sub)
    return found


COMMANDS = sorted(subclasses(Command, casework) - BASES, key=lambda c: c.__name__)
SCHEMAS = {s for s in subclasses(CommandSchema, api.schemas) if "command" in vars(s)}


def test_the_commands_are_found() -> None:
    names = {command.__name__ for command in COMMANDS}
    assert {"RecordIntake", "RecordScreeningDecision", "GrantRole", "RegisterClinic"} <= names
    assert len(COMMANDS) >= 36  # every command found, whatever is added


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
def test_a_command_is_a_frozen_keyword_only_value(command: type[Command]) -> None:
    parameters = dataclasses.fields(command)
    assert command.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert all(field.kw_only for field in parameters)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
def test_every_command_has_a_permission(command: type[Command]) -> None:
    if command is RegisterClinic:  # the operator's alone, by its token, outside every clinic
        assert command not in PERMISSIONS
    else:
        assert PERMISSIONS[command], f"{command.__name__} has no row in casework.permissions"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
def test_every_command_has_one_service_method_that_takes_it(command: type[Command]) -> None:
    takers = [
        name
        for name, method in inspect.getmembers(Casework, inspect.isfunction)
        if method.__module__.startswith("casework.")
        and get_type_hints(method).get("command") is command
    ]
    assert len(takers) == 1, f"{command.__name__} is taken by {takers or 'no method'}"


def loaded_schemas(app: Flask) -> dict[type[CommandSchema], set[str]]:
    """Return each command schema a route loads, with the route's path parameters."""
    found: dict[type[CommandSchema], set[str]] = {}
    for rule in app.url_map.iter_rules():
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            view = getattr(view_class, method.lower(), None)
            arguments = getattr(view, "_apidoc", {}).get("arguments", {})
            for parameter in arguments.get("parameters", []):
                schema = parameter["schema"]
                schema_class = schema if isinstance(schema, type) else type(schema)
                if issubclass(schema_class, CommandSchema):
                    found[schema_class] = set(rule.arguments)
    return found


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
def test_every_command_is_built_by_one_schema_a_route_loads(
    command: type[Command], flask_app: Flask
) -> None:
    (schema,) = [s for s in SCHEMAS if s.command is command]
    routes = loaded_schemas(flask_app)
    assert schema in routes, f"no route loads {schema.__name__}"
    fields = {f.name: f for f in dataclasses.fields(command)}
    given = set(schema().fields) | (routes[schema] & set(fields))
    if issubclass(command, JourneyCommand):
        given.add("expected_version")  # from If-Match
    assert given == set(fields) - SET_BY_THE_DEMO.get(command, set())
    for name, field in schema().fields.items():
        # A field the body may leave out reaches the command as its default: it needs one.
        if not field.required and field.load_default is missing:
            assert fields[name].default is not dataclasses.MISSING or (
                fields[name].default_factory is not dataclasses.MISSING
            ), name
