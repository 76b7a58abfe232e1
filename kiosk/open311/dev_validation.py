"""What the development server accepts in a create, checked the way a strict city server checks it:
required fields and attributes, each value against its datatype, the location, the description's length."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.open311 import dev_catalog

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
DESCRIPTION_LIMIT = 4000


@dataclass
class CreateForm:
    service_code: str = ""
    description: str = ""
    address_string: str = ""
    lat: float | None = None
    long: float | None = None
    attributes: dict[str, str | list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _is_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_create(pairs: list[tuple[str, str]]) -> CreateForm:
    """The form's fields, and every problem with them (empty when the server takes the request)."""
    form = CreateForm()
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        match = _ATTRIBUTE.match(name)
        if match and match.group(2):
            multi.setdefault(match.group(1), []).append(value)
        elif match:
            single[match.group(1)] = value
    fields = dict(pairs)
    form.service_code = fields.get("service_code", "")
    form.description = fields.get("description", "")
    form.address_string = fields.get("address_string", "")
    form.lat, form.long = _number(fields.get("lat", "")), _number(fields.get("long", ""))
    errors = form.errors

    service = dev_catalog.service(form.service_code)
    if service is None:
        errors.append(f"service_code {form.service_code!r} is not a service of this city")
        return form
    if "<" in form.description and ">" in form.description:
        errors.append("description may not contain HTML")
    if len(form.description) > DESCRIPTION_LIMIT:
        errors.append(f"description is longer than {DESCRIPTION_LIMIT} characters")
    has_point = form.lat is not None and form.long is not None
    if has_point and not (-90 <= form.lat <= 90 and -180 <= form.long <= 180):  # type: ignore[operator]
        errors.append("lat/long is not a WGS84 position")
    if not (has_point or form.address_string or fields.get("address_id")):
        errors.append("a location is required: lat and long, address_string or address_id")

    for attribute in dev_catalog.DEFINITIONS.get(form.service_code, []):
        if not attribute["variable"]:
            continue
        code, datatype = attribute["code"], attribute["datatype"]
        keys = {v["key"] for v in attribute["values"]}
        if datatype == "multivaluelist":
            if code in single:
                errors.append(f"attribute[{code}] is a multivaluelist: send attribute[{code}][]")
                continue
            chosen = multi.get(code, [])
            if not chosen:
                if attribute["required"]:
                    errors.append(f"attribute[{code}] is required")
                continue
            wrong = [v for v in chosen if v not in keys]
            if wrong:
                errors.append(f"attribute[{code}][] has values not in the list: {', '.join(wrong)}")
            form.attributes[code] = chosen
            continue
        if code in multi:
            errors.append(f"attribute[{code}] takes one value, not a list")
            continue
        value = single.get(code, "")
        if not value.strip():
            if attribute["required"]:
                errors.append(f"attribute[{code}] is required")
            continue
        if datatype == "number" and _number(value) is None:
            errors.append(f"attribute[{code}] must be a number, not {value!r}")
        elif datatype == "datetime" and not _is_datetime(value):
            errors.append(f"attribute[{code}] must be an ISO 8601 date and time, not {value!r}")
        elif datatype == "singlevaluelist" and value not in keys:
            errors.append(f"attribute[{code}] must be one of {', '.join(sorted(keys))}, not {value!r}")
        form.attributes[code] = value
    return form
