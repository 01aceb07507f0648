"""Every registered operation's inputs, read from the app: the schemas the views parse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask
from marshmallow import Schema, fields


@dataclass(frozen=True)
class Operation:
    """One method on one URL rule, and the schemas it parses (location → schema)."""

    method: str
    rule: str
    inputs: tuple[tuple[str, Schema], ...]
    path_arguments: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.method} {self.rule}"


def operations(app: Flask) -> list[Operation]:
    """Return every operation the app serves (not static files), with its input schemas."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            handler = getattr(view_class, method.lower(), None) if view_class else view
            doc = getattr(handler, "_apidoc", {})
            inputs = tuple(
                (parameter["in"], _instance(parameter["schema"]))
                for parameter in doc.get("arguments", {}).get("parameters", [])
            )
            found.append(Operation(method, rule.rule, inputs, tuple(sorted(rule.arguments))))
    return found


def _instance(schema: Schema | type[Schema]) -> Schema:
    return schema() if isinstance(schema, type) else schema


def walk(schema: Schema, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, fields.Field]]:
    """Yield (path, field) for every field a body can reach, lists and nested schemas included.

    A path holds field names and, for a list's item, the index 0.
    """
    for name, field in schema.load_fields.items():
        yield from _walk_field(field, (*path, field.data_key or name))


def _walk_field(field: fields.Field, path: tuple) -> Iterator[tuple[tuple, fields.Field]]:
    if isinstance(field, fields.List):
        yield path, field
        yield from _walk_field(field.inner, (*path, 0))
    elif isinstance(field, fields.Nested):
        yield path, field
        yield from walk(_instance(field.schema), path)
    else:
        yield path, field
