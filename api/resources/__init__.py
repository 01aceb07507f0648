"""One blueprint per resource; `init_app` registers them all on the flask-smorest Api."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, current_app, request
from marshmallow import fields

from api import openapi
from api.auth import BROWSER_BLUEPRINTS
from api.contract import ContractPlugin
from api.errors import CaseworkApi, abort
from api.problems import problem
from api.resources import (
    aftercare,
    amendments,
    audit,
    calendar,
    care_team,
    clients,
    clinics,
    decisions,
    eligibility,
    follow_ups,
    health,
    journeys,
    practitioners,
    register,
    sessions,
)

BLUEPRINTS = (
    health.blp,
    clinics.blp,
    practitioners.blp,
    journeys.blp,
    clients.blp,
    care_team.blp,
    eligibility.blp,
    sessions.blp,
    aftercare.blp,
    decisions.blp,
    amendments.blp,
    follow_ups.blp,
    register.blp,
    audit.blp,
    calendar.blp,
)


def require_json_body() -> Response | None:
    """Refuse a write whose body is not declared as JSON (415), before anything is parsed.

    The pages for people post HTML forms instead (`BROWSER_BLUEPRINTS`).
    """
    if request.blueprint in BROWSER_BLUEPRINTS:
        return None
    has_body = request.method in ("POST", "PUT", "PATCH", "DELETE") and request.content_length
    if has_body and not request.is_json:
        return problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.")
    return None


def refuse_query_where_none_is_declared() -> None:
    """Refuse any query parameter (422 naming it) on an operation that declares no query schema.

    Operations that declare one refuse unknown parameters through it (`QuerySchema`).
    """
    if not request.args:
        return
    view_class = getattr(current_app.view_functions.get(request.endpoint or ""), "view_class", None)
    if view_class is None:  # not a resource (the document, the docs, the metrics)
        return
    name = "get" if request.method == "HEAD" else request.method.lower()
    method = getattr(view_class, name, None)
    declared = getattr(method, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if not any(parameter["in"] == "query" for parameter in declared):
        unknown = {key: ["Unknown field."] for key in request.args}
        abort(422, message="Some fields are invalid.", errors={"query": unknown})


def refuse_undecodable_query() -> None:
    """Refuse a query parameter whose percent-escapes are not UTF-8 (422 naming it).

    Werkzeug keeps such escapes as they came (`a%ED%A0%80b`, a lone surrogate), which would
    otherwise be read as harmless text that was never sent.
    """
    for pair in request.query_string.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        name = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode("utf-8", "replace")
        try:
            unquote_to_bytes(raw_value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            abort(
                422,
                message="Some fields are invalid.",
                errors={"query": {name: ["Not UTF-8 text."]}},
            )


def decimal_bounds_as_numbers(self: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """Document a decimal field's range as JSON numbers (apispec gives Decimals, sent as text)."""
    ret = kwargs["ret"]
    if not isinstance(field, fields.Decimal):
        return {}
    return {
        name: int(ret[name]) if ret[name] == int(ret[name]) else float(ret[name])
        for name in ("minimum", "maximum")
        if isinstance(ret.get(name), Decimal)
    }


def init_app(app: Flask) -> None:
    """Register the blueprints and the bearer-token security scheme in the OpenAPI document."""
    api = CaseworkApi(app, spec_kwargs={"extra_plugins": [ContractPlugin()]})
    openapi.add_path_vocabularies(app)
    openapi.init_app(api)
    api.ma_plugin.converter.add_attribute_function(decimal_bounds_as_numbers)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    app.before_request(require_json_body)
    app.before_request(refuse_undecodable_query)
    app.before_request(refuse_query_where_none_is_declared)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
