"""The form a create POSTs to requests.json, field by field, in the order the specification lists them."""

from __future__ import annotations

from urllib.parse import urlencode

from kiosk.services.ports import NewRequest

CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


def _number(value: float) -> str:
    return repr(float(value))  # repr keeps every digit a WGS84 coordinate has


def create_fields(request: NewRequest, *, api_key: str, jurisdiction_id: str = "") -> list[tuple[str, str]]:
    """(name, value) pairs; empty optional fields are left out rather than sent blank."""
    fields: list[tuple[str, str]] = [("api_key", api_key)]
    if jurisdiction_id:
        fields.append(("jurisdiction_id", jurisdiction_id))
    fields.append(("service_code", request.service_code))
    if request.lat is not None and request.long is not None:
        fields += [("lat", _number(request.lat)), ("long", _number(request.long))]
    optional = (
        ("address_string", request.address_string),
        ("email", request.email),
        ("device_id", request.device_id),
        ("first_name", request.first_name),
        ("last_name", request.last_name),
        ("phone", request.phone),
        ("description", request.description),
    )
    fields += [(name, value) for name, value in optional if value]
    for code, value in request.attributes.items():
        if isinstance(value, list | tuple):
            # multivaluelist: the field repeats, each with a trailing [] (PHP and Rails style)
            fields += [(f"attribute[{code}][]", str(v)) for v in value]
        else:
            fields.append((f"attribute[{code}]", str(value)))
    return fields


def encode(fields: list[tuple[str, str]]) -> bytes:
    """UTF-8, percent-encoded; brackets in names are encoded too, which every server decodes."""
    return urlencode(fields, encoding="utf-8").encode("ascii")
