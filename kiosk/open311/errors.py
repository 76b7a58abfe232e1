"""How a failed call becomes one of the port's error kinds, and what of the server's answer staff see.

The kind decides what the sync worker does next, so the lines are drawn by what may have happened on
the server: nothing sent (Transient), sent but the answer lost (Uncertain: the request may exist),
answered "later" (Transient with retry_after), answered "never as it stands" (Rejected), answered
"not with this key" (Forbidden).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from kiosk.open311.parsing import as_text, load_json
from kiosk.services.ports import Forbidden, Open311Error, Rejected, Transient, Uncertain

BODY_LIMIT = 4096  # enough of an answer for staff to see what the server said, not a whole error page
_DESCRIPTION_LIMIT = 300

# Raised before a byte of the request left this machine: sending again can never file it twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)


def excerpt(text: str) -> str:
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + " [...]"


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date; None when unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _from_object(item: dict[str, Any]) -> str:
    for key in ("description", "message", "error_description", "detail", "error", "title"):
        value = item.get(key)
        if isinstance(value, dict):
            return _from_object(value)
        if isinstance(value, list):
            return _from_json(value)
        if as_text(value):
            return as_text(value)
    errors = item.get("errors")
    return _from_json(errors) if isinstance(errors, list | dict) else ""


def _from_json(data: Any) -> str:
    if isinstance(data, str):
        return data.strip()
    if isinstance(data, dict) and "errors" in data and not any(k in data for k in ("description", "message")):
        return _from_json(data["errors"])
    parts = []
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            parts.append(_from_object(item))
        elif as_text(item):
            parts.append(as_text(item))
    return "; ".join(p for p in parts if p)


def _from_html(text: str) -> str:
    text = re.sub(r"(?is)<(head|script|style)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"(?s)<[^>]*>", " ", text)
    return " ".join(html.unescape(text).split())


def describe(text: str) -> str:
    """The server's own words from an error answer: an Open311 array, any object, HTML or plain text."""
    stripped = text.strip()
    if not stripped:
        return ""
    try:
        found = _from_json(load_json(stripped))
    except ValueError:
        found = _from_html(stripped) if stripped.startswith("<") else " ".join(stripped.split())
    return found[:_DESCRIPTION_LIMIT]


def for_status(response: httpx.Response, *, call: str, created_maybe: bool) -> Open311Error:
    """The error for a non-2xx answer. ``created_maybe``: the call was a create, so a gateway's 502/504
    may hide a request the origin did store."""
    status = response.status_code
    body = excerpt(response.text)
    said = describe(response.text)
    message = f"{call}: HTTP {status}" + (f": {said}" if said else "")
    if status in (401, 403):  # 401 too: several servers answer a bad api key with it
        return Forbidden(message, status, body)
    if status == 429 or status >= 500 or status == 408:
        wait = retry_after(response.headers.get("Retry-After"))
        kind = Uncertain if created_maybe and status in (502, 504) else Transient
        return kind(message, status, body, retry_after=wait)
    if 300 <= status < 400:
        where = response.headers.get("Location", "")
        return Rejected(f"{call}: HTTP {status} redirect to {where!r}: check the base URL", status, body)
    return Rejected(message, status, body)


def for_transport(exc: httpx.TransportError, *, call: str, created_maybe: bool) -> Transient:
    """The error for a call that got no answer. On a create, anything after the connection was made may
    have delivered the request: Uncertain. Other calls change nothing on the server: Transient."""
    what = type(exc).__name__
    detail = str(exc) or what
    if isinstance(exc, httpx.ConnectError) and "CERTIFICATE_VERIFY_FAILED" in detail:
        return Transient(f"{call}: the server's TLS certificate did not verify ({detail})")
    if isinstance(exc, _NOT_SENT) or not created_maybe:
        return Transient(f"{call}: {what}: {detail}")
    return Uncertain(f"{call}: {what} after sending, the request may exist on the server: {detail}")


def for_unreadable(response: httpx.Response, *, call: str, created_maybe: bool) -> Transient:
    """A 2xx whose body could not be read (a proxy's page, a cut-off answer)."""
    message = f"{call}: HTTP {response.status_code} with an answer that could not be read"
    kind = Uncertain if created_maybe else Transient
    return kind(message, response.status_code, excerpt(response.text))


def for_error_list(response: httpx.Response, *, call: str) -> Rejected:
    """An Open311 error array sent with a 2xx status: the server refused, whatever the status says."""
    said = describe(response.text)
    return Rejected(
        f"{call}: HTTP {response.status_code}: {said}", response.status_code, excerpt(response.text)
    )
