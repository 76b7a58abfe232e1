"""The Open311 GeoReport v2 client over HTTP (httpx): the port ``Open311Client`` for the sync worker."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from kiosk import __version__
from kiosk.open311 import errors, parsing
from kiosk.open311.form import CONTENT_TYPE, create_fields, encode
from kiosk.services.ports import (
    Created,
    NewRequest,
    RemoteRequest,
    RemoteService,
    ServiceDefinition,
    Transient,
)


def _iso(moment: datetime) -> str:
    """UTC with a Z: the form of ISO 8601 every server we know of reads (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _segment(value: str) -> str:
    return quote(value, safe="")  # a code or id with a slash must stay one path segment


class HttpOpen311Client:
    """One keep-alive connection pool (one ``httpx.Client``) for every call; safe to use from a worker
    thread. Every call has connect and read timeouts; failures are the port's Open311Error kinds."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        jurisdiction_id: str = "",
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self._api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self._http = httpx.Client(
            base_url=self.base_url,
            # Connecting takes at most a few seconds on any network the kiosk works on; waiting for an
            # answer gets the whole timeout.
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            verify=verify,
            headers={"Accept": "application/json", "User-Agent": f"city-kiosk/{__version__}"},
            follow_redirects=False,
        )

    # -- lifetime -----------------------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:  # never the api key
        return f"HttpOpen311Client({self.base_url!r}, jurisdiction_id={self.jurisdiction_id!r})"

    # -- the calls ----------------------------------------------------------------------------------
    def services(self) -> list[RemoteService]:
        return parsing.services(self._get_json("services.json", call="services"))

    def definition(self, service_code: str) -> ServiceDefinition:
        data = self._get_json(f"services/{_segment(service_code)}.json", call="definition")
        try:
            return parsing.definition(data, service_code)
        except ValueError as exc:
            raise Transient(f"definition: {exc}") from exc

    def create(self, request: NewRequest) -> Created:
        call = "create"
        fields = create_fields(request, api_key=self._api_key, jurisdiction_id=self.jurisdiction_id)
        try:
            response = self._http.post(
                "requests.json", content=encode(fields), headers={"Content-Type": CONTENT_TYPE}
            )
        except httpx.TransportError as exc:
            raise errors.for_transport(exc, call=call, created_maybe=True) from exc
        if not response.is_success:
            raise errors.for_status(response, call=call, created_maybe=True)
        try:
            data = parsing.load_json(response.text)
        except ValueError as exc:
            raise errors.for_unreadable(response, call=call, created_maybe=True) from exc
        try:
            return parsing.created(data)
        except ValueError as exc:
            if parsing.is_error_list(data):
                raise errors.for_error_list(response, call=call) from exc
            raise errors.for_unreadable(response, call=call, created_maybe=True) from exc

    def resolve_token(self, token: str) -> str | None:
        # A 404 is read as "not yet": several servers answer it until the batch has run.
        data = self._get_json(f"tokens/{_segment(token)}.json", call="token", missing_ok=True)
        return None if data is None else parsing.token_request_id(data)

    def find(
        self,
        *,
        ids: list[str] | None = None,
        service_code: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        status: str | None = None,
    ) -> list[RemoteRequest]:
        """requests.json with its filters; ``status`` (open, closed or both comma-separated) goes beyond
        the port, for a caller that knows it has an HttpOpen311Client."""
        params: dict[str, str] = {}
        if ids:
            params["service_request_id"] = ",".join(ids)
        if service_code:
            params["service_code"] = service_code
        if start is not None:
            params["start_date"] = _iso(start)
        if end is not None:
            params["end_date"] = _iso(end)
        if status:
            params["status"] = status
        return parsing.remote_requests(self._get_json("requests.json", call="find", params=params))

    def request(self, service_request_id: str) -> RemoteRequest | None:
        data = self._get_json(
            f"requests/{_segment(service_request_id)}.json", call="request", missing_ok=True
        )
        if data is None:
            return None
        found = parsing.remote_requests(data)
        return next((r for r in found if r.service_request_id == service_request_id), None) or (
            found[0] if found else None
        )

    # -- plumbing -----------------------------------------------------------------------------------
    def _get_json(
        self, path: str, *, call: str, params: dict[str, str] | None = None, missing_ok: bool = False
    ) -> Any:
        query = dict(params or {})
        if self.jurisdiction_id:
            query["jurisdiction_id"] = self.jurisdiction_id
        try:
            # A GET changes nothing, so following a redirect (http to https, a moved path) is safe.
            response = self._http.get(path, params=query, follow_redirects=True)
        except httpx.TransportError as exc:
            raise errors.for_transport(exc, call=call, created_maybe=False) from exc
        if missing_ok and response.status_code == 404:
            return None
        if not response.is_success:
            raise errors.for_status(response, call=call, created_maybe=False)
        try:
            return parsing.load_json(response.text)
        except ValueError as exc:
            raise errors.for_unreadable(response, call=call, created_maybe=False) from exc
