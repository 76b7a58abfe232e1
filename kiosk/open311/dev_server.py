"""A real Open311 GeoReport v2 server for tests, benchmarks and trying the kiosk out (stdlib only).

In-process::

    with DevServer() as server:            # 127.0.0.1, a free port, a SQLite file in a temporary folder
        client = HttpOpen311Client(server.url, server.api_key)
        server.faults.script("create", ["drop_after_store", None, Fault("503", retry_after="2")])
        server.stored()                    # every request stored, with the exact form it came with

As a process::

    python -m kiosk.open311.dev_server --port 8311 --db open311.sqlite3

prints ``listening on URL`` first, then serves until stopped; ``POST /_faults`` (JSON, see
``FaultPlan.apply_json``), ``GET /_stored``, ``POST /_status`` control it. ``DevServerProcess`` starts and
drives one from a test. ``benchmark=True`` (``--benchmark``): no faults, no delays, tokens resolve at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from kiosk.open311 import dev_catalog
from kiosk.open311.dev_faults import BEFORE_STORE, STATUS_FAULTS, Fault, FaultPlan
from kiosk.open311.dev_store import DevStore, StoredRequest
from kiosk.open311.dev_validation import read_create

BASE_PATH = "/open311/v2"
MAX_WINDOW = timedelta(days=90)
# Ways real servers differ from the specification, switched on to test a client's tolerance.
QUIRKS = (
    "numeric_ids",  # ids and tokens as JSON numbers
    "string_booleans",  # "true"/"false" instead of true/false
    "status_201",  # a create answers 201 Created
    "sparse",  # optional fields left out of every answer
    "object_errors",  # errors as {"code": ..., "message": ...} instead of the array
    "html_errors",  # errors as an HTML page
)


@dataclass(frozen=True)
class Call:
    """One HTTP call the server received (control calls excluded), for tests to inspect."""

    name: str  # services | definition | create | token | find | request | unknown
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    form: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    peer: tuple[str, int]  # the client's address and port: one port for many calls is a kept-alive connection


class _Answer(Exception):
    """Raised inside a handler to answer at once (validation errors, 403, 404)."""

    def __init__(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.payload, self.headers = status, payload, dict(headers or {})


class DevServer:
    """The server in this process, on a background thread. ``url`` is the GeoReport base URL."""

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = "dev-key",
        jurisdiction_id: str = "",
        batch_polls: int = 2,
        batch_seconds: float = 0.0,
        hang_seconds: float = 3.0,
        slow_seconds: float = 0.5,
        quirks: Iterable[str] = (),
        benchmark: bool = False,
        quiet: bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._tmp = None if db_path else tempfile.TemporaryDirectory(prefix="open311-dev-")
        self.db_path = Path(db_path) if db_path else Path(self._tmp.name) / "open311.sqlite3"  # type: ignore[union-attr]
        self.host, self.port = host, port
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.batch_polls = 0 if benchmark else batch_polls
        self.batch_seconds = 0.0 if benchmark else batch_seconds
        self.hang_seconds = hang_seconds
        self.slow_seconds = slow_seconds
        self.quirks: set[str] = set(quirks)
        unknown = self.quirks - set(QUIRKS)
        if unknown:
            raise ValueError(f"unknown quirks {sorted(unknown)}; known: {', '.join(QUIRKS)}")
        self.benchmark = benchmark
        self.quiet = quiet
        self.tls = tls  # a server-side context: https, to test that clients verify certificates
        self.faults = FaultPlan()
        self.calls: list[Call] = []  # not kept in benchmark mode
        self._store: DevStore | None = None
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()

    # -- lifetime -----------------------------------------------------------------------------------
    def start(self) -> Self:
        self._store = DevStore(self.db_path)
        self._http = _HTTPServer((self.host, self.port), _Handler, self)
        self.port = self._http.server_address[1]
        if self.tls is not None:
            self._http.socket = self.tls.wrap_socket(self._http.socket, server_side=True)
        self._thread = threading.Thread(
            # a short poll: stop() returns within 50 ms, which keeps a test suite of many servers quick
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="open311-dev",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # ends injected timeouts at once
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}{BASE_PATH}/"

    # -- what tests look at and change --------------------------------------------------------------
    @property
    def store(self) -> DevStore:
        if self._store is None:
            raise RuntimeError("the server is not running")
        return self._store

    def stored(self) -> list[StoredRequest]:
        """Every request stored (batch ones before their token resolves too), oldest first."""
        return self.store.all()

    def stored_count(self) -> int:
        return self.store.count()

    def set_status(self, service_request_id: str, status: str, notes: str = "") -> None:
        """Close (or reopen) a request, as city staff would."""
        self.store.set_status(service_request_id, status, notes)

    def calls_of(self, name: str) -> list[Call]:
        return [c for c in list(self.calls) if c.name == name]

    # -- rendering ----------------------------------------------------------------------------------
    def render_id(self, value: str) -> str | int:
        return int(value) if "numeric_ids" in self.quirks and value.isdigit() else value

    def render_bool(self, value: bool) -> bool | str:
        return ("true" if value else "false") if "string_booleans" in self.quirks else value

    def error(self, status: int, *descriptions: str, code: int | None = None) -> _Answer:
        code = code or status
        if "html_errors" in self.quirks:
            items = "".join(f"<li>{_escape(d)}</li>" for d in descriptions)
            page = (
                f"<!DOCTYPE html><html><head><title>{status} Error</title><style>body{{font:1em serif}}</style>"
                f"</head><body><h1>Error {status}</h1><ul>{items}</ul></body></html>"
            )
            return _Answer(status, _Raw(page, "text/html; charset=utf-8"))
        if "object_errors" in self.quirks:
            return _Answer(status, {"code": code, "message": "; ".join(descriptions)})
        return _Answer(status, [{"code": code, "description": d} for d in descriptions])

    # -- the GeoReport calls ------------------------------------------------------------------------
    def check_jurisdiction(self, values: Mapping[str, str]) -> None:
        given = values.get("jurisdiction_id", "")
        if self.jurisdiction_id and given != self.jurisdiction_id:
            raise self.error(404, f"jurisdiction_id {given!r} is not served here")

    def services_json(self) -> list[dict[str, Any]]:
        answer = []
        for service in dev_catalog.SERVICES:
            item = dict(service, metadata=self.render_bool(service["metadata"]))
            if "sparse" in self.quirks:
                item = {k: item[k] for k in ("service_code", "service_name", "metadata", "type")}
            answer.append(item)
        return answer

    def definition_json(self, code: str) -> dict[str, Any]:
        service = dev_catalog.service(code)
        if service is None or not service["metadata"]:
            raise self.error(404, f"service_code {code!r} has no definition")
        attributes = []
        for attribute in dev_catalog.DEFINITIONS[code]:
            item = dict(
                attribute,
                variable=self.render_bool(attribute["variable"]),
                required=self.render_bool(attribute["required"]),
            )
            if "sparse" in self.quirks:
                item = {k: v for k, v in item.items() if v not in ("", [])}
                if attribute["variable"]:  # variable defaults to true: leave it out
                    item.pop("variable", None)
            attributes.append(item)
        return {"service_code": code, "attributes": attributes}

    def create(self, pairs: list[tuple[str, str]], raw_body: str) -> tuple[int, list[dict[str, Any]]]:
        values = dict(pairs)
        if values.get("api_key", "") != self.api_key:
            raise self.error(403, "api_key is missing or not valid")
        self.check_jurisdiction(values)
        form = read_create(pairs)
        if form.errors:
            raise self.error(400, *form.errors)
        service = dev_catalog.service(form.service_code) or {}
        batch = service.get("type") == "batch"
        batch_fields: dict[str, Any] = {}
        if batch:
            token = str(uuid.uuid4().int)[:12]  # digits, so that numeric_ids can send it as a number
            batch_fields = {"token": token, "polls_left": self.batch_polls, "ready_in": self.batch_seconds}
        stored = self.store.add(
            service_code=form.service_code,
            description=form.description,
            address_string=form.address_string,
            lat=form.lat,
            long=form.long,
            attributes=form.attributes,
            form=pairs,
            raw_body=raw_body,
            jurisdiction_id=values.get("jurisdiction_id", ""),
            **batch_fields,
        )
        notice = "Thank you. City staff will review your report within two business days."
        if batch:
            item: dict[str, Any] = {"token": self.render_id(stored.token or "")}
        else:
            item = {"service_request_id": self.render_id(stored.service_request_id)}
        if "sparse" not in self.quirks:
            item.update(service_notice=notice, account_id=None)
        return (201 if "status_201" in self.quirks else 200), [item]

    def token_json(self, token: str) -> list[dict[str, Any]]:
        known, request_id = self.store.poll_token(token)
        if not known:
            raise self.error(404, f"token {token!r} is unknown")
        item: dict[str, Any] = {"token": self.render_id(token)}
        if request_id is not None or "sparse" not in self.quirks:
            item["service_request_id"] = self.render_id(request_id) if request_id else None
        return [item]

    def request_json(self, stored: StoredRequest) -> dict[str, Any]:
        service = dev_catalog.service(stored.service_code) or {}
        item: dict[str, Any] = {
            "service_request_id": self.render_id(stored.service_request_id),
            "status": stored.status,
            "status_notes": stored.status_notes or None,
            "service_name": service.get("service_name", ""),
            "service_code": stored.service_code,
            "description": stored.description,
            "agency_responsible": dev_catalog.AGENCIES.get(stored.service_code, ""),
            "service_notice": "",
            "requested_datetime": stored.requested_datetime.isoformat(),
            "updated_datetime": stored.updated_datetime.isoformat(),
            "expected_datetime": (stored.requested_datetime + timedelta(days=7)).isoformat(),
            "address": stored.address_string,
            "address_id": None,
            "zipcode": None,
            "lat": stored.lat,
            "long": stored.long,
            "media_url": None,
        }
        if "sparse" in self.quirks:
            item = {k: v for k, v in item.items() if v not in (None, "")}
        return item

    def find_json(self, query: Mapping[str, str]) -> list[dict[str, Any]]:
        if query.get("service_request_id"):
            ids = [i.strip() for i in query["service_request_id"].split(",") if i.strip()]
            found = self.store.find(ids=ids)
        else:
            start, end = (_when(query, name) for name in ("start_date", "end_date"))
            if start and end and end - start > MAX_WINDOW:
                raise self.error(400, "start_date and end_date may be at most 90 days apart")
            if start and not end:
                end = start + MAX_WINDOW
            if end and not start:
                start = end - MAX_WINDOW
            found = self.store.find(
                service_codes=_comma_list(query.get("service_code")),
                statuses=_comma_list(query.get("status")),
                start=start,
                end=end,
            )
        return [self.request_json(r) for r in found]

    def one_request_json(self, request_id: str) -> list[dict[str, Any]]:
        stored = self.store.get(request_id)
        if stored is None:
            raise self.error(404, f"service_request_id {request_id!r} does not exist")
        return [self.request_json(stored)]


class _Raw:
    """A body sent as it is (an HTML page, a malformed answer) rather than as JSON."""

    def __init__(self, text: str, content_type: str) -> None:
        self.text, self.content_type = text, content_type


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _comma_list(value: str | None) -> list[str] | None:
    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    return items or None


def _when(query: Mapping[str, str], name: str) -> datetime | None:
    text = query.get(name, "")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Answer(400, [{"code": 400, "description": f"{name} is not ISO 8601: {text!r}"}]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, app: DevServer) -> None:
        self.app = app
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client expects of a real server
    server: _HTTPServer
    server_version = "Open311Dev/1"
    # Headers and body leave in two writes; with Nagle on, the body waits for the client's delayed ACK
    # (40 ms a call on Linux), which would dwarf everything a benchmark measures.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.app.quiet:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    # -- one exchange -------------------------------------------------------------------------------
    def _serve(self, method: str) -> None:
        app = self.server.app
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith(BASE_PATH + "/"):
            path = path[len(BASE_PATH) :]
        query = parse_qsl(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path.startswith("/_"):
            self._control(method, path, raw)
            return
        name, argument = _route(method, path)
        form: list[tuple[str, str]] = []
        if method == "POST":
            try:
                form = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                self._send(400, [{"code": 400, "description": "the body is not UTF-8"}])
                return
        if not app.benchmark:
            headers = {k.lower(): v for k, v in self.headers.items()}
            app.calls.append(
                Call(name, method, path, tuple(query), tuple(form), headers, tuple(self.client_address))
            )
        fault = None if app.benchmark else app.faults.next(name)
        if fault is not None and fault.kind in BEFORE_STORE and not self._fault(fault):
            return
        try:
            status, payload = self._call(name, argument, dict(query), form, raw)
        except _Answer as answer:
            self._send(answer.status, answer.payload, answer.headers)
            return
        if fault is not None and fault.kind not in BEFORE_STORE:
            self._fault(fault)
            return
        self._send(status, payload)

    def _call(
        self, name: str, argument: str, query: dict[str, str], form: list[tuple[str, str]], raw: bytes
    ) -> tuple[int, Any]:
        app = self.server.app
        if name == "unknown":
            raise app.error(404, f"no such resource: {self.path.split('?')[0]}")
        if name == "create":
            if "application/x-www-form-urlencoded" not in self.headers.get("Content-Type", ""):
                raise app.error(400, "the body must be application/x-www-form-urlencoded")
            return app.create(form, raw.decode("utf-8"))
        app.check_jurisdiction(query)
        if name == "services":
            return 200, app.services_json()
        if name == "definition":
            return 200, app.definition_json(argument)
        if name == "token":
            return 200, app.token_json(argument)
        if name == "find":
            return 200, app.find_json(query)
        return 200, app.one_request_json(argument)

    def _fault(self, fault: Fault) -> bool:
        """Act out a fault; True when the call should then go on as usual (a slow answer)."""
        app = self.server.app
        if fault.kind in STATUS_FAULTS:
            status = int(fault.kind)
            headers = {}
            if status in (429, 503):
                headers["Retry-After"] = fault.retry_after or "1"
            descriptions = {403: "api_key is not valid", 429: "too many requests", 400: "bad request"}
            answer = app.error(status, descriptions.get(status, "the service is having a problem"))
            payload = (
                _Raw(fault.body, fault.content_type or "text/plain")
                if fault.body is not None
                else answer.payload
            )
            self._send(status, payload, headers)
            return False
        if fault.kind == "slow":
            app.stopping.wait(app.slow_seconds if fault.seconds is None else fault.seconds)
            return True
        if fault.kind.startswith("timeout"):
            app.stopping.wait(app.hang_seconds if fault.seconds is None else fault.seconds)
        if fault.kind == "malformed":
            body = fault.body if fault.body is not None else '[{"service_request_id": "10'
            self._send(200, _Raw(body, fault.content_type or "application/json; charset=utf-8"))
            return False
        self._drop()
        return False

    def _drop(self) -> None:
        """Close the connection without a word, as a crashed server or a cut cable would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        if isinstance(payload, _Raw):
            body, content_type = payload.text.encode("utf-8"), payload.content_type
        else:
            body, content_type = json.dumps(payload).encode("utf-8"), "application/json; charset=utf-8"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client gave up waiting; nothing more to say

    def _control(self, method: str, path: str, raw: bytes) -> None:
        app = self.server.app
        try:
            command = json.loads(raw or b"{}")
            if method == "POST" and path == "/_faults":
                app.faults.apply_json(command)
                if "quirks" in command:
                    app.quirks = set(command["quirks"])
                if "hang_seconds" in command:
                    app.hang_seconds = float(command["hang_seconds"])
                self._send(200, {"ok": True})
            elif method == "GET" and path == "/_stored":
                self._send(200, {"count": app.stored_count(), "stored": [r.as_json() for r in app.stored()]})
            elif method == "POST" and path == "/_status":
                app.set_status(
                    str(command["service_request_id"]), command["status"], command.get("notes", "")
                )
                self._send(200, {"ok": True})
            else:
                self._send(404, {"error": f"no control {method} {path}"})
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"error": str(exc)})


def _route(method: str, path: str) -> tuple[str, str]:
    """(call name, its path argument) for a GeoReport path below the base."""
    segments = [s for s in path.split("/") if s]
    if method == "GET" and segments == ["services.json"]:
        return "services", ""
    if method in ("GET", "POST") and segments == ["requests.json"]:
        return ("create" if method == "POST" else "find"), ""
    if method == "GET" and len(segments) == 2 and segments[1].endswith(".json"):
        argument = segments[1][: -len(".json")]
        kind = {"services": "definition", "requests": "request", "tokens": "token"}.get(segments[0])
        if kind:
            return kind, argument
    return "unknown", ""


class DevServerProcess:
    """The server as a child process (``python -m kiosk.open311.dev_server``), driven over HTTP."""

    def __init__(self, *args: str, db_path: str | Path | None = None, port: int = 0) -> None:
        self._tmp = None if db_path else tempfile.TemporaryDirectory(prefix="open311-dev-")
        db = Path(db_path) if db_path else Path(self._tmp.name) / "open311.sqlite3"  # type: ignore[union-attr]
        self.command = [
            sys.executable,
            "-m",
            "kiosk.open311.dev_server",
            "--port",
            str(port),
            "--db",
            str(db),
            *args,
        ]
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""  # "listening on URL"
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"the Open311 development server did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].strip()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._tmp is not None:
            self._tmp.cleanup()

    def _control(self, method: str, path: str, payload: Any = None) -> Any:
        root = self.url.split(BASE_PATH, 1)[0]
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(root + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def faults(self, **command: Any) -> None:
        """As ``FaultPlan.apply_json``: faults(call="create", script=["503"]), faults(clear=True),
        faults(quirks=["numeric_ids"])."""
        self._control("POST", "/_faults", command)

    def stored(self) -> list[dict[str, Any]]:
        return self._control("GET", "/_stored")["stored"]

    def stored_count(self) -> int:
        return self._control("GET", "/_stored")["count"]

    def set_status(self, service_request_id: str, status: str, notes: str = "") -> None:
        self._control(
            "POST", "/_status", {"service_request_id": service_request_id, "status": status, "notes": notes}
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.open311.dev_server", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8311, help="0: any free port (printed on the first line)")
    parser.add_argument("--db", default="", help="the SQLite file (default: a temporary one)")
    parser.add_argument("--api-key", default="dev-key")
    parser.add_argument("--jurisdiction", default="")
    parser.add_argument("--batch-polls", type=int, default=2, help="token polls answered 'not yet'")
    parser.add_argument("--batch-seconds", type=float, default=0.0, help="seconds before a token resolves")
    parser.add_argument("--quirk", action="append", default=[], choices=QUIRKS)
    parser.add_argument("--benchmark", action="store_true", help="no faults, no delays")
    parser.add_argument("--verbose", action="store_true", help="log every call to stderr")
    options = parser.parse_args(argv)
    server = DevServer(
        options.db or None,
        host=options.host,
        port=options.port,
        api_key=options.api_key,
        jurisdiction_id=options.jurisdiction,
        batch_polls=options.batch_polls,
        batch_seconds=options.batch_seconds,
        quirks=options.quirk,
        benchmark=options.benchmark,
        quiet=not options.verbose,
    )
    with server:
        print(f"listening on {server.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # terminate() stops cleanly, closing the database
    sys.exit(main())
