"""The OpenAPI document is one generated clients can live on: named operations, valid, typed.

The walks below cover a new field, parameter or operation without a new test.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import OpenAPIV31SpecValidator

from casework.application import Casework

METHODS = ("get", "put", "post", "delete", "patch")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_url(sqlite_path: str) -> str:
    """SQLite only: the document is the same on both stores."""
    return f"sqlite:///{sqlite_path}"


@pytest.fixture
def document(flask_app: Flask) -> dict[str, Any]:
    response = flask_app.test_client().get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (method, path, operation) for every operation the document names."""
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_has_a_unique_snake_case_operation_id(document: dict[str, Any]) -> None:
    ids = [operation.get("operationId") for _, _, operation in operations(document)]
    missing = [f"{m.upper()} {p}" for m, p, op in operations(document) if "operationId" not in op]
    assert missing == []
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", str(name)) for name in ids), ids
    assert len(set(ids)) == len(ids)


def test_every_write_is_named_after_the_casework_method_it_calls(document: dict[str, Any]) -> None:
    writes = {op["operationId"] for method, _, op in operations(document) if method != "get"}
    assert writes - set(dir(Casework)) == set()
    assert {"record_screening_decision", "schedule_session", "record_intake"} <= writes


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    errors = [error.message for error in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def mappings_in(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every mapping in the document: each schema, parameter and operation among them."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from mappings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from mappings_in(value)


def is_untyped_object(schema: dict[str, Any]) -> bool:
    """Return whether a schema is an object with nothing said of its fields (a bag)."""
    kinds = schema.get("type")
    is_object = kinds == "object" or (isinstance(kinds, list) and "object" in kinds)
    return is_object and not {"properties", "additionalProperties", "$ref"} & set(schema)


def is_nullable(schema: dict[str, Any]) -> bool:
    """Return whether a schema takes null, in OpenAPI 3.0's words or JSON Schema's."""
    kinds = schema.get("type")
    alternatives = schema.get("anyOf", []) + schema.get("oneOf", [])
    return (
        schema.get("nullable") is True
        or (isinstance(kinds, list) and "null" in kinds)
        or any(alternative.get("type") == "null" for alternative in alternatives)
    )


def test_no_nullable_object_is_documented_as_an_untyped_bag(document: dict[str, Any]) -> None:
    bags = []
    for schema in mappings_in(document):
        alternatives = schema.get("anyOf", []) + schema.get("oneOf", []) + [schema]
        if is_nullable(schema) and any(is_untyped_object(one) for one in alternatives):
            bags.append(schema)
    assert bags == [], "document a nullable object with fields.Nested(its schema)"


def test_no_enum_holds_null(document: dict[str, Any]) -> None:
    enums = [node["enum"] for node in mappings_in(document) if isinstance(node.get("enum"), list)]
    assert enums, "the walk finds the enums"
    assert [enum for enum in enums if None in enum] == []


def parameters(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Return (where, parameter) for every parameter: a path's own, and each operation's."""
    found = [
        (f"{path} {parameter['in']}.{parameter['name']}", parameter)
        for path, item in document["paths"].items()
        for parameter in item.get("parameters", [])
    ]
    return found + [
        (f"{method.upper()} {path} {parameter['in']}.{parameter['name']}", parameter)
        for method, path, operation in operations(document)
        for parameter in operation.get("parameters", [])
    ]


def test_every_parameter_has_a_type(document: dict[str, Any]) -> None:
    untyped = [where for where, p in parameters(document) if "type" not in p.get("schema", {})]
    assert {p["in"] for _, p in parameters(document)} >= {"path", "query"}
    assert untyped == []


def test_every_parameter_is_never_null(document: dict[str, Any]) -> None:
    nullable = [
        where
        for where, parameter in parameters(document)
        if is_nullable(parameter.get("schema", {}))
        or parameter.get("schema", {}).get("default", "") is None
    ]
    assert nullable == [], "a query string carries no null: leave the parameter out instead"


def test_the_csv_export_documents_no_page_size_a_client_would_always_send(
    document: dict[str, Any],
) -> None:
    export = document["paths"]["/decisions"]["get"]
    by_name = {parameter["name"]: parameter for parameter in export["parameters"]}
    assert "text/csv" in export["responses"]["200"]["content"]
    assert "default" not in by_name["limit"]["schema"]


def test_every_operation_says_more_than_its_summary(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for method, path, operation in operations(document)
        if not operation.get("description")
        or operation["description"].strip() == operation.get("summary", "").strip()
    ]
    assert missing == [], "write a second docstring paragraph: who may call it, what it refuses"


def test_spectral_finds_nothing(document: dict[str, Any], tmp_path: Path) -> None:
    """Spectral's OpenAPI rules (.spectral.yaml), warnings included: scripts/spectral."""
    written = tmp_path / "openapi.json"
    written.write_text(json.dumps(document))
    result = subprocess.run(
        [str(ROOT / "scripts" / "spectral"), str(written)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_link_opens_an_operation_filling_its_path_parameters(
    document: dict[str, Any],
) -> None:
    by_id = {op["operationId"]: path for _, path, op in operations(document)}
    links = {
        (op["operationId"], name): link
        for _, _, op in operations(document)
        for answer in op["responses"].values()
        if isinstance(answer, dict)
        for name, link in answer.get("links", {}).items()
    }
    for (source, _), link in links.items():
        needed = set(re.findall(r"{([^{}]+)}", by_id[link["operationId"]]))
        assert set(link["parameters"]) == needed, (source, link)
    linked = {(source, link["operationId"]) for (source, _), link in links.items()}
    assert {
        ("record_intake", "get_journey"),
        ("schedule_session", "record_session_outcome"),
        ("get_journey", "record_outreach"),
        ("give_consent", "withdraw_consent"),
    } <= linked
