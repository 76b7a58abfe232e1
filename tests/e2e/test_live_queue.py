"""Two processes, one SQLite file: a check-in made in one is in the other's live queue."""

from __future__ import annotations

import json

from kiosk.app import build_backend
from kiosk.services import queue
from kiosk.services.checkin import list_services
from kiosk.settings import load_settings
from tests.e2e.helpers import assert_no_traceback

CHECK_IN = """
import json, sys
from kiosk.app import build_backend
from kiosk.services.checkin import check_in
from kiosk.settings import load_settings

backend = build_backend(load_settings())
try:
    result = check_in(backend.ctx, sys.argv[1], sys.argv[2])
    print(json.dumps({"number": result.ticket.number, "id": result.ticket.id, "position": result.position,
                      "database": backend.engine.url.database}))
finally:
    backend.dispose()
"""

AT_COUNTERS = """
import json
from kiosk.app import build_backend
from kiosk.services import queue
from kiosk.settings import load_settings

backend = build_backend(load_settings())
try:
    snap = queue.snapshot(backend.ctx)
    print(json.dumps({"waiting": [e.ticket.number for e in snap.waiting],
                      "at_counters": {t.number: t.counter for t in snap.at_counters}}))
finally:
    backend.dispose()
"""


def test_a_check_in_in_another_process_reaches_this_processs_queue(kiosk):
    settings = load_settings(path=kiosk.config, environ=kiosk.env)
    assert settings.effective_database_url == f"sqlite:///{kiosk.database}"
    backend = build_backend(settings)
    try:
        ctx = backend.ctx
        service = list_services(ctx)[0]
        before = queue.snapshot(ctx)
        marker_before = queue.change_marker(ctx)
        assert before.waiting == []

        # Another station (the kiosk) checks a visitor in.
        result = kiosk.python(CHECK_IN, service.code, "Lan")
        assert result.returncode == 0, result.stderr
        assert_no_traceback(result)
        made = json.loads(result.stdout.strip().splitlines()[-1])
        assert made["database"] == str(kiosk.database)

        # This station (reception) sees it without restarting, and the change marker moved.
        assert queue.change_marker(ctx) > marker_before
        after = queue.snapshot(ctx)
        assert after.version > before.version
        assert [(e.ticket.number, e.position) for e in after.waiting] == [(made["number"], 1)]
        ticket = after.waiting[0].ticket
        assert ticket.id == made["id"]
        assert ticket.service_code == service.code
        assert ticket.first_name == "Lan"

        # And the other way round: reception calls it here, another process sees it at the counter.
        called = queue.call_next(ctx, "2")
        assert called.number == made["number"]
        seen = kiosk.python(AT_COUNTERS)
        assert seen.returncode == 0, seen.stderr
        state = json.loads(seen.stdout.strip().splitlines()[-1])
        assert state == {"waiting": [], "at_counters": {made["number"]: "2"}}
    finally:
        backend.dispose()
