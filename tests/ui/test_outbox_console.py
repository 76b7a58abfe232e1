"""Reception watches the service requests outbox and the central 311 service from the console."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.requests import RequestState, SyncStatus
from kiosk.services import requests, sync
from kiosk.services.ports import Forbidden, Rejected, RemoteService, Transient, Uncertain
from kiosk.ui.stations.outbox_panel import Central, central_state
from tests.fakes import FakeOpen311

ADDRESS = "1120 SW 5th Ave, Portland, OR 97204"
FIXED = "1221 SW 4th Ave, Portland, OR 97204"
AM = "\u202fAM"


@pytest.fixture
def central():
    return FakeOpen311(services=[RemoteService("graffiti", "Graffiti", metadata=False)])


@pytest.fixture
def ctx(sqlite_backend, central):
    sync.refresh_catalogue(sqlite_backend.ctx, central)
    return sqlite_backend.ctx


def file(ctx, description: str = "Tags on the north wall"):
    return requests.submit(ctx, requests.Draft("graffiti", {}, description=description), "vi", ADDRESS)


def click(qtbot, widget) -> None:
    assert widget.isEnabled(), f"{widget.objectName()} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def panel_of(console):
    console.tabs.setCurrentWidget(console.outbox_panel)
    return console.outbox_panel


def row_of(panel, reference: str) -> dict[str, str] | None:
    table = panel.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == reference:
            return {h: table.item(row, c).text() for c, h in enumerate(headers)}
    return None


def select(panel, reference: str) -> None:
    row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == reference)
    panel.table.selectRow(row)


def state_of(panel, reference: str) -> str | None:
    row = row_of(panel, reference)
    return row["State"] if row else None


def test_a_refused_request_is_fixed_and_sent_again_then_shows_its_311_id(
    qtbot, make_console, ctx, central, clock
):
    refused = file(ctx)
    central.faults = [Rejected("address_string: not in the city", status=400)]
    sync.sync_once(ctx, central)

    console = make_console(ctx)
    panel = panel_of(console)
    assert console.tabs.tabText(2) == "Requests"
    qtbot.waitUntil(lambda: state_of(panel, refused.reference) == "Needs staff attention", timeout=5000)
    row = row_of(panel, refused.reference)
    assert row["311’s reason"] == "HTTP 400: address_string: not in the city"
    assert (row["Service"], row["Filed at"], row["311 id"], row["Attempts"]) == (
        "Graffiti",
        f"9:00{AM}",
        "",
        "1",
    )
    assert panel.counts_line.text() == "Waiting: 0   ·   Needs attention: 1   ·   Sent today: 0"

    select(panel, refused.reference)
    assert panel.address_field.text() == ADDRESS
    assert panel.description_field.text() == "Tags on the north wall"
    assert "not in the city" in panel.reason_label.text()
    panel.address_field.selectAll()
    qtbot.keyClicks(panel.address_field, FIXED)
    click(qtbot, panel.save_button)
    qtbot.waitUntil(lambda: state_of(panel, refused.reference) == "Waiting to be sent", timeout=5000)
    assert console.message.text() == f"Request {refused.reference} will be sent again."
    again = requests.lookup(ctx, refused.reference)
    assert (again.address, again.description, again.attempts) == (FIXED, "Tags on the north wall", 0)
    assert row_of(panel, refused.reference)["311’s reason"] == ""

    clock.advance(minutes=5)
    assert sync.sync_once(ctx, central).sent == 1
    qtbot.waitUntil(lambda: state_of(panel, refused.reference) == "Sent to 311", timeout=5000)
    assert row_of(panel, refused.reference)["311 id"] == "1000"
    assert central.stored[-1][1].address_string == FIXED
    assert panel.status_line.text() == f"Central 311 service: last successful contact 9:05{AM}"
    assert panel.counts_line.text() == "Waiting: 0   ·   Needs attention: 0   ·   Sent today: 1"
    select(panel, refused.reference)
    assert not panel.resend_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_send_again_as_it_was(qtbot, make_console, ctx, central):
    refused = file(ctx)
    central.faults = [Rejected("try again later please", status=400)]
    sync.sync_once(ctx, central)
    panel = panel_of(make_console(ctx))
    qtbot.waitUntil(lambda: state_of(panel, refused.reference) == "Needs staff attention", timeout=5000)
    select(panel, refused.reference)
    click(qtbot, panel.resend_button)
    qtbot.waitUntil(lambda: state_of(panel, refused.reference) == "Waiting to be sent", timeout=5000)
    assert requests.lookup(ctx, refused.reference).address == ADDRESS


def test_cancel_and_a_request_in_flight_cannot_be_cancelled(qtbot, make_console, ctx, central, clock):
    unwanted = file(ctx, "A mistake")
    console = make_console(ctx)
    panel = panel_of(console)
    qtbot.waitUntil(lambda: state_of(panel, unwanted.reference) == "Waiting to be sent", timeout=5000)
    select(panel, unwanted.reference)
    click(qtbot, panel.cancel_button)
    qtbot.waitUntil(lambda: state_of(panel, unwanted.reference) == "Cancelled", timeout=5000)
    assert console.message.text() == f"Request {unwanted.reference} cancelled."
    assert requests.lookup(ctx, unwanted.reference).state == RequestState.CANCELLED
    select(panel, unwanted.reference)
    assert not panel.cancel_button.isEnabled() and not panel.resend_button.isEnabled()

    # An attempt whose answer was lost: it may be at the city already, so it cannot be cancelled.
    uncertain = file(ctx)
    qtbot.waitUntil(lambda: state_of(panel, uncertain.reference) == "Waiting to be sent", timeout=5000)
    central.faults = [Uncertain("timed out")]
    sync.sync_once(ctx, central)
    qtbot.waitUntil(
        lambda: state_of(panel, uncertain.reference) == "Waiting to be sent (being checked with 311)",
        timeout=5000,
    )
    select(panel, uncertain.reference)
    assert not panel.cancel_button.isEnabled() and not panel.save_button.isEnabled()

    # Another one goes in flight after this console last looked: the service refuses the cancel.
    late = file(ctx)
    clock.advance(minutes=20)
    qtbot.waitUntil(lambda: state_of(panel, late.reference) == "Waiting to be sent", timeout=5000)
    panel.poll_timer.stop()
    qtbot.waitUntil(lambda: not panel.runner.busy, timeout=5000)  # no look at the marker still on its way
    central.faults = [None, Uncertain("timed out")]  # the earlier one goes through now, this one hangs
    sync.sync_once(ctx, central)
    assert requests.lookup(ctx, late.reference).in_flight
    select(panel, late.reference)
    click(qtbot, panel.cancel_button)
    qtbot.waitUntil(
        lambda: console.message.text() == f"Request {late.reference} can no longer be changed.", timeout=5000
    )
    qtbot.waitUntil(
        lambda: state_of(panel, late.reference) == "Waiting to be sent (being checked with 311)", timeout=5000
    )
    assert requests.lookup(ctx, late.reference).state == RequestState.QUEUED
    panel.poll_timer.start()


def test_a_refused_api_key_shows_the_paused_line_and_resume_clears_it(qtbot, make_console, ctx, central):
    filed = file(ctx)
    central.faults = [Forbidden("bad api key", status=403)]
    sync.sync_once(ctx, central)
    console = make_console(ctx)
    panel = panel_of(console)
    qtbot.waitUntil(lambda: panel.resume_button.isVisible(), timeout=5000)
    assert panel.problem_line.text() == "Delivery paused: the api key was refused — HTTP 403: bad api key"
    assert console.central.text() == "311: delivery paused"

    click(qtbot, panel.resume_button)
    qtbot.waitUntil(lambda: not panel.resume_button.isVisible(), timeout=5000)
    assert console.message.text() == "Delivery to the central 311 service resumed."
    assert not sync.status(ctx)[0].paused_until
    assert sync.sync_once(ctx, central).sent == 1
    qtbot.waitUntil(lambda: state_of(panel, filed.reference) == "Sent to 311", timeout=5000)
    qtbot.waitUntil(lambda: console.central.text() == "311: online", timeout=5000)
    assert not panel.problem_line.isVisible()


def test_the_status_line_and_the_console_show_the_last_contact(
    qtbot, make_console, sqlite_backend, central, clock
):
    ctx = sqlite_backend.ctx
    console = make_console(ctx)
    panel = panel_of(console)
    panel.status_timer.setInterval(100)  # rounds that change no request do not move the marker
    qtbot.waitUntil(lambda: panel.status_line.text() == "Central 311 service: never reached", timeout=5000)
    assert console.central.text() == "311: not reached yet"
    assert console.connection.text() == "Live"

    sync.refresh_catalogue(ctx, central)
    qtbot.waitUntil(
        lambda: panel.status_line.text() == f"Central 311 service: last successful contact 9:00{AM}",
        timeout=5000,
    )
    clock.advance(minutes=1)
    sync.sync_once(ctx, central)
    qtbot.waitUntil(lambda: console.central.text() == "311: online", timeout=5000)

    # The server goes away: a request waits, the console says so and when it last got through.
    file(ctx)
    clock.advance(minutes=1)
    central.faults = [Transient("connection refused")]
    sync.sync_once(ctx, central)
    qtbot.waitUntil(lambda: console.central.text() == f"311: offline, last contact 9:00{AM}", timeout=5000)
    assert panel.problem_line.text() == f"Last delivery attempt at 9:02{AM} failed: connection refused"

    # It gets through again; then no delivery round runs for a day: the date is shown, and the console
    # does not claim the service is online.
    clock.advance(minutes=1)
    assert sync.sync_once(ctx, central).sent == 1
    qtbot.waitUntil(lambda: console.central.text() == "311: online", timeout=5000)
    assert not panel.problem_line.isVisible()
    clock.advance(days=1)
    qtbot.waitUntil(
        lambda: console.central.text() == f"311: no delivery round since 11/25/26, 9:03{AM}", timeout=5000
    )
    assert panel.status_line.text() == f"Central 311 service: last successful contact 11/25/26, 9:03{AM}"


def test_the_central_state_claims_only_what_was_recorded(clock):
    now = clock.now()
    minute = timedelta(minutes=1)
    assert central_state(SyncStatus(), now) == (Central.NEVER, None)
    ok = SyncStatus(last_success_at=now - minute, last_attempt_at=now - minute)
    assert central_state(ok, now) == (Central.ONLINE, now - minute)
    failing = SyncStatus(last_success_at=now - 9 * minute, last_attempt_at=now, last_error="HTTP 503: busy")
    assert central_state(failing, now) == (Central.OFFLINE, now - 9 * minute)
    paused = SyncStatus(paused_until=now + minute, paused_reason="HTTP 403: no", last_error="HTTP 403: no")
    assert central_state(paused, now) == (Central.PAUSED, None)
    quiet = SyncStatus(last_success_at=now - 60 * minute, last_attempt_at=now - 30 * minute)
    assert central_state(quiet, now) == (Central.QUIET, now - 30 * minute)
