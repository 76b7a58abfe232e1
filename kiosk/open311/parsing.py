"""Tolerant reading of GeoReport v2 answers into the port's data classes.

Servers in the field send ids as numbers or strings, booleans as true or "true", leave fields out and
sometimes wrap lists in an object. Everything here accepts those variants and never raises on a missing
field; only an answer with nothing usable in it is an error (ValueError), for the caller to classify.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from kiosk.services.ports import (
    AttributeValue,
    Created,
    RemoteRequest,
    RemoteService,
    ServiceAttribute,
    ServiceDefinition,
)

_TRUE = {"true", "t", "yes", "y", "1", "on"}


def load_json(text: str) -> Any:
    """The JSON in an answer's text (a byte-order mark some servers prepend is ignored)."""
    return json.loads(text.lstrip("\ufeff"))


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def as_id(value: Any) -> str | None:
    """An id as an opaque string: 638344, "638344" and 638344.0 are all "638344"."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return str(value).strip().lower() in _TRUE


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def as_datetime(value: Any) -> datetime | None:
    """ISO 8601 as the specification asks; a time without an offset is taken as UTC."""
    text = as_text(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def records(data: Any, *wrappers: str) -> list[dict[str, Any]]:
    """The objects of a list answer: a bare array, an array inside a wrapping object, or one object."""
    if isinstance(data, dict):
        for key in wrappers:
            inner = data.get(key)
            if isinstance(inner, list | dict):
                return records(inner)
        return [data]
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    return []


def service(data: dict[str, Any]) -> RemoteService | None:
    code = as_id(data.get("service_code"))
    if code is None:
        return None
    keywords = data.get("keywords")
    words = [as_text(k) for k in keywords] if isinstance(keywords, list) else as_text(keywords).split(",")
    return RemoteService(
        code=code,
        name=as_text(data.get("service_name")) or code,
        description=as_text(data.get("description")),
        metadata=as_bool(data.get("metadata")),
        type=as_text(data.get("type")).lower() or "realtime",
        keywords=tuple(w.strip() for w in words if w.strip()),
        group=as_text(data.get("group")),
    )


def services(data: Any) -> list[RemoteService]:
    found = (service(item) for item in records(data, "services", "service"))
    return [s for s in found if s is not None]


def _attribute(data: dict[str, Any]) -> ServiceAttribute | None:
    code = as_id(data.get("code"))
    if code is None:
        return None
    values = []
    for item in records(data.get("values") or []):
        key = as_id(item.get("key"))
        if key is not None:
            values.append(AttributeValue(key=key, name=as_text(item.get("name")) or key))
    return ServiceAttribute(
        code=code,
        datatype=as_text(data.get("datatype")).lower() or "string",
        description=as_text(data.get("description")),
        required=as_bool(data.get("required")),
        variable=as_bool(data.get("variable"), default=True),
        order=as_int(data.get("order")),
        datatype_description=as_text(data.get("datatype_description")),
        values=tuple(values),
    )


def definition(data: Any, service_code: str) -> ServiceDefinition:
    if isinstance(data, list):  # a few servers answer the definition inside an array
        data = data[0] if data and isinstance(data[0], dict) else {}
    if not isinstance(data, dict):
        raise ValueError("a service definition is not a JSON object")
    found = (_attribute(item) for item in records(data.get("attributes") or [], "attribute"))
    attributes = sorted((a for a in found if a is not None), key=lambda a: a.order)
    return ServiceDefinition(
        service_code=as_id(data.get("service_code")) or service_code, attributes=tuple(attributes)
    )


def created(data: Any) -> Created:
    """The answer to a create; ValueError when it holds neither an id nor a token."""
    for item in records(data, "service_requests", "service_request", "requests"):
        request_id = as_id(item.get("service_request_id"))
        token = as_id(item.get("token"))
        if request_id or token:
            return Created(
                service_request_id=request_id,
                token=token,
                service_notice=as_text(item.get("service_notice")),
            )
    raise ValueError("the answer holds neither a service_request_id nor a token")


def is_error_list(data: Any) -> bool:
    """True for an Open311 error array ([{code, description}]) that some servers send with a 2xx status."""
    items = records(data)
    return bool(items) and all(
        "description" in item and "service_request_id" not in item and "token" not in item for item in items
    )


def remote_request(data: dict[str, Any]) -> RemoteRequest | None:
    request_id = as_id(data.get("service_request_id"))
    if request_id is None:
        return None
    return RemoteRequest(
        service_request_id=request_id,
        status=as_text(data.get("status")).lower(),
        status_notes=as_text(data.get("status_notes")),
        service_code=as_id(data.get("service_code")) or "",
        description=as_text(data.get("description")),
        agency_responsible=as_text(data.get("agency_responsible")),
        requested_datetime=as_datetime(data.get("requested_datetime")),
        updated_datetime=as_datetime(data.get("updated_datetime")),
        expected_datetime=as_datetime(data.get("expected_datetime")),
    )


def remote_requests(data: Any) -> list[RemoteRequest]:
    found = (remote_request(item) for item in records(data, "service_requests", "requests", "request"))
    return [r for r in found if r is not None]


def token_request_id(data: Any) -> str | None:
    for item in records(data, "tokens", "token"):
        request_id = as_id(item.get("service_request_id"))
        if request_id:
            return request_id
    return None
