"""Every answer a test receives is checked against the OpenAPI document: what is documented is sent.

`DocumentedClient` is the Flask test client of every app the suite creates (tests/conftest.py
installs it). After each request it finds the operation the request reached (by the app's URL
map, as flask-smorest named the path) and checks that the answer's status is documented for it,
that its media type is one the document gives for that status, that the headers the document
says are always sent are there, and that a JSON body validates against the documented schema
(OpenAPI 3.1 dialect, formats included). A drift between the API and its document fails the
test that met it, whichever test that is.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import TestResponse

DOCUMENT_URI = "urn:casework:openapi"

UNDOCUMENTED_ENDPOINTS = frozenset(
    {
        "api-docs.openapi_json",
        "api-docs.openapi_swagger_ui",
        "swagger_ui.static",
        "static",
        "metrics",
    }
)
"""Endpoints that serve the documentation (or Prometheus text) rather than the API."""

PAGES = "web."
"""The pages for people (web/): HTML, outside the API and its document."""

PATH_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class UndocumentedAnswer(AssertionError):
    """An answer the OpenAPI document does not describe."""


def read_document(app: Flask) -> dict[str, Any]:
    """Return the app's `/openapi.json`, made once per app by its view, outside any request.

    Not fetched: a request would be logged and counted, which tests of those logs would see.
    """
    cached: dict[str, Any] | None = app.extensions.get("documented_client.document")
    if cached is None:
        with app.test_request_context("/openapi.json"):
            answer = app.make_response(app.view_functions["api-docs.openapi_json"]())
        cached = json.loads(answer.get_data())
        assert isinstance(cached, dict)
        app.extensions["documented_client.document"] = cached
    return cached


def operation_path(app: Flask, path: str, method: str) -> tuple[str | None, str]:
    """Return the document's path template the request reached (None if none) and its endpoint."""
    adapter = app.url_map.bind("casework.test")
    try:
        rule, _ = adapter.match(path, method=method, return_rule=True)
    except (NotFound, MethodNotAllowed):
        return None, ""
    return PATH_PARAMETER.sub(r"{\1}", rule.rule), rule.endpoint or ""


def documented_response(document: dict[str, Any], operation: dict[str, Any], status: int) -> Any:
    """Return the response object the document gives for `status` (or its range, or default)."""
    responses = operation["responses"]
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            response = responses[key]
            while "$ref" in response:
                response = resolve(document, response["$ref"])
            return response
    return None


def resolve(document: dict[str, Any], reference: str) -> Any:
    """Return what a local `#/...` reference points at."""
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def validate_body(document: dict[str, Any], schema: dict[str, Any], body: Any) -> str | None:
    """Return why `body` breaks `schema` (refs resolved in the whole document), or None."""
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    wrapper = {"$id": DOCUMENT_URI + "/answer", "allOf": [rebase(schema)]}
    validator = OAS31Validator(wrapper, registry=registry, format_checker=oas31_format_checker)
    error = best_match(validator.iter_errors(body))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(the body)"
    return f"{where}: {error.message[:300]}"


def rebase(schema: Any) -> Any:
    """Point a schema's local references at the document resource."""
    if isinstance(schema, dict):
        return {
            key: DOCUMENT_URI + value
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else rebase(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [rebase(item) for item in schema]
    return schema


def check_answer(app: Flask, method: str, path: str, answer: TestResponse) -> None:
    """Raise UndocumentedAnswer if the document does not describe `answer`."""
    template, endpoint = operation_path(app, path, method)
    if endpoint in UNDOCUMENTED_ENDPOINTS or method == "OPTIONS":
        return
    if endpoint is not None and endpoint.startswith(PAGES):
        return
    document = read_document(app)
    where = f"{method} {template or path} answered {answer.status_code}"
    if template is None:  # no such path or method: a plain problem
        problem = {"$ref": "#/components/schemas/Problem"}
        check_problem_body(document, problem, answer, where)
        return
    operation = (
        document["paths"].get(template, {}).get("get" if method == "HEAD" else method.lower())
    )
    if operation is None:
        raise UndocumentedAnswer(f"{where}: the operation is not in the document")
    response = documented_response(document, operation, answer.status_code)
    if response is None:
        raise UndocumentedAnswer(f"{where}: that status is not documented")
    for name, header in response.get("headers", {}).items():
        if header.get("required") and name not in answer.headers:
            raise UndocumentedAnswer(f"{where}: the documented header {name} is missing")
    content = response.get("content", {})
    if method == "HEAD" or answer.status_code == 304 or not answer.data:
        return
    media_type = answer.mimetype
    if media_type not in content:
        raise UndocumentedAnswer(f"{where}: {media_type} is not documented ({sorted(content)})")
    schema = content[media_type].get("schema")
    if schema is not None and media_type.endswith("json") and not answer.content_encoding:
        problem = validate_body(document, schema, answer.json)
        if problem is not None:
            raise UndocumentedAnswer(f"{where}: the body breaks the document at {problem}")


def check_problem_body(
    document: dict[str, Any], schema: dict[str, Any], answer: TestResponse, where: str
) -> None:
    """Check that an answer outside every operation is a problem document."""
    if answer.mimetype != "application/problem+json":
        raise UndocumentedAnswer(f"{where}: {answer.mimetype} is not a problem document")
    problem = validate_body(document, schema, answer.json)
    if problem is not None:
        raise UndocumentedAnswer(f"{where}: the problem breaks the document at {problem}")


class DocumentedClient(FlaskClient):
    """A Flask test client that checks every answer against the app's OpenAPI document."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        answer = super().open(*args, **kwargs)
        request = answer.request
        check_answer(self.application, request.method, request.path, answer)
        return answer
