"""Errors as RFC 9457 problem details: application/problem+json, for every API failure."""

import marshmallow as ma
from flask import Response, json, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"


class FieldErrorSchema(ma.Schema):
    field = ma.fields.String(
        allow_none=True, metadata={"description": "The field, dotted for nested ones."}
    )
    reason = ma.fields.String(metadata={"description": "What is wrong with it."})
    in_ = ma.fields.String(
        data_key="in", metadata={"description": "Where the field was: body, query or path."}
    )


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only: `problem` writes them)."""

    type = ma.fields.String(metadata={"description": "about:blank: the status says it all."})
    title = ma.fields.String(metadata={"description": "The status's name, e.g. Conflict."})
    status = ma.fields.Integer()
    detail = ma.fields.String(metadata={"description": "What went wrong with this request."})
    errors = ma.fields.List(
        ma.fields.Nested(FieldErrorSchema),
        metadata={"description": "On 400 and 422: each field that was refused, and why."},
    )
    current = ma.fields.Dict(
        metadata={"description": "On 409: the resource as it is now, with its version."}
    )
    changes = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "On 409: each field where your request and the stored resource "
            'differ, as {"field", "yours", "current"}.'
        },
    )


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(status: int, detail: str | None = None, *, headers=None, **extensions) -> Response:
    """A problem details response. `type` stays about:blank: the status says what went wrong,
    `detail` says it for this request, and extensions (`errors`, `current`...) carry the rest."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
    }
    if detail:
        body["detail"] = str(detail)
    body.update(extensions)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.extend(headers or {})
    return response


def flatten_messages(messages, path: str = "") -> list[dict]:
    """webargs' nested {"json": {"stops": {"0": {"ends_at": ["..."]}}}} as a flat list of
    {"field": "stops.0.ends_at", "reason": "..."}, one entry per message."""
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            name = str(key) if key != "_schema" else ""
            found += flatten_messages(value, f"{path}.{name}" if path and name else path or name)
        return found
    if isinstance(messages, (list, tuple)):
        if all(isinstance(item, str) for item in messages):
            return [{"field": path or None, "reason": str(item)} for item in messages]
        found = []
        for item in messages:
            found += flatten_messages(item, path)
        return found
    return [{"field": path or None, "reason": str(messages)}]


def from_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    extensions = {}
    if "messages" in data or "errors" in data:
        messages = data.get("errors", data.get("messages"))
        # webargs keys messages by where they came from: json, query, path, headers.
        errors = []
        if isinstance(messages, dict) and set(messages) <= {"json", "query", "path", "headers"}:
            for location, inner in messages.items():
                for entry in flatten_messages(inner):
                    errors.append({**entry, "in": "body" if location == "json" else location})
        else:
            errors = flatten_messages(messages)
        extensions["errors"] = errors
    for key in ("current", "changes"):
        if key in data:
            extensions[key] = data[key]
    detail = data.get("message")
    if detail is None and error.description != type(error).description:
        detail = error.description
    if detail is None and "errors" in extensions:
        detail = "; ".join(
            f"{entry['field']}: {entry['reason']}" if entry["field"] else entry["reason"]
            for entry in extensions["errors"]
        )
    headers = dict(data.get("headers") or {})
    if error.code == 405 and (allowed := getattr(error, "valid_methods", None)):
        headers["Allow"] = ", ".join(allowed)
    if error.code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="pishvaz"')
    return problem(error.code or 500, detail, headers=headers, **extensions)
