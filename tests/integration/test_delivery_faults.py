"""Thousands of requests through random injected faults end with every request on the server exactly once.

The real client (httpx, short timeouts) against the development server on 127.0.0.1, which draws a fault
for each create and each search (requests.json, what reconciliation uses): every transient status, drops
and timeouts before and after storing, slow answers, cut-off bodies. Sync rounds run until the outbox is
empty, a fake clock moved on between rounds so that backoff is due. On SQLite and PostgreSQL.

KIOSK_FAULT_REQUESTS=5000 runs more requests than the default.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.domain.requests import RequestState
from kiosk.open311 import HttpOpen311Client
from kiosk.open311.dev_server import DevServer
from kiosk.services import requests, sync
from tests.conftest import FakeClock
from tests.integration.delivery import (
    ADDRESS,
    as_utc,
    draft,
    everything,
    problems_with_delivery,
)

REQUESTS = int(os.environ.get("KIOSK_FAULT_REQUESTS", "200"))
CLIENT_TIMEOUT = 0.3  # seconds; the server's injected timeouts hang longer than this
SERVER_HANG = 1.0
SLOW = 0.05  # a slow answer still arrives within the timeout (one later than that is a timeout)
SEED = int(os.environ.get("KIOSK_FAULT_SEED", "311"))

# Each create and each search draws one of these (the rest of the time, nothing happens).
CREATE_FAULTS = {
    "500": 0.03,
    "502": 0.03,
    "503": 0.03,
    "504": 0.03,
    "429": 0.03,
    "drop_before_store": 0.02,
    "drop_after_store": 0.03,
    "timeout_before_store": 0.006,
    "timeout_after_store": 0.008,
    "slow": 0.03,
    "malformed": 0.03,
}
FIND_FAULTS = {
    "500": 0.03,
    "502": 0.02,
    "503": 0.03,
    "504": 0.02,
    "429": 0.02,
    "drop_before_store": 0.02,
    "drop_after_store": 0.02,
    "timeout_before_store": 0.005,
    "timeout_after_store": 0.005,
    "slow": 0.03,
    "malformed": 0.03,
}


@dataclass
class Tally:
    rounds: int = 0
    sent: int = 0
    reconciled: int = 0
    retried: int = 0
    refused: int = 0
    pauses: int = 0
    errors: Counter = field(default_factory=Counter)


@pytest.fixture
def clock() -> FakeClock:
    # The server stamps requests with the real time and reconciliation searches around the kiosk's own:
    # the fake clock starts now, as a kiosk's clock would read.
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def server(tmp_path):
    with DevServer(tmp_path / "open311.sqlite3", hang_seconds=SERVER_HANG, slow_seconds=SLOW) as running:
        yield running


@pytest.fixture
def client(server):
    with HttpOpen311Client(server.url, server.api_key, timeout=CLIENT_TIMEOUT) as made:
        yield made


@pytest.fixture
def ctx(backend, client):
    sync.refresh_catalogue(backend.ctx, client)  # before any fault is switched on
    return backend.ctx


def file_requests(ctx, count: int, rng: random.Random, refused_every: int = 0) -> list[str]:
    filed = []
    for index in range(count):
        refused = bool(refused_every) and index % refused_every == refused_every - 1
        filed.append(requests.submit(ctx, draft(index, rng, refused), "en", ADDRESS).reference)
    return filed


def drain(ctx, client, server, clock, rng, *, between_rounds=None, max_rounds: int | None = None) -> Tally:
    """Sync rounds until nothing is queued; a pause (403) is resumed as an admin would."""
    tally = Tally()
    max_rounds = max_rounds or 30 * REQUESTS + 100
    while True:
        tally.rounds += 1
        assert tally.rounds <= max_rounds, f"the outbox did not drain in {max_rounds} rounds: {tally}"
        if between_rounds is not None:
            between_rounds(tally.rounds)
        report = sync.sync_once(ctx, client, device_id="kiosk-test", rng=rng)
        tally.sent += report.sent
        tally.reconciled += report.reconciled
        tally.retried += report.retried
        tally.refused += report.refused
        if report.error:
            tally.errors[report.error.split(":")[0]] += 1
        if report.paused:
            tally.pauses += 1
            calls = len(server.calls)
            assert sync.sync_once(ctx, client).paused, "delivery goes on after a refused api key"
            assert len(server.calls) == calls, "a paused kiosk still calls the server"
            sync.resume(ctx)
        with ctx.uow() as uow:
            queued = uow.requests.counts().get(RequestState.QUEUED, 0)
            due = uow.requests.next_due_at()
        if not queued:
            return tally
        if due is not None and as_utc(due) > clock.now():
            clock.current = as_utc(due) + timedelta(milliseconds=1)  # the backoff is over


def on_server(server) -> list[tuple[str, str]]:
    return [(r.service_request_id, r.description) for r in server.stored()]


def switch_on_faults(server) -> None:
    server.faults.randomly("create", CREATE_FAULTS, seed=SEED)
    server.faults.randomly("find", FIND_FAULTS)  # one generator for both calls, seeded once


def test_every_request_reaches_the_server_exactly_once_through_random_faults(ctx, client, server, clock):
    rng = random.Random(SEED)
    filed = file_requests(ctx, REQUESTS, rng)
    switch_on_faults(server)

    tally = drain(ctx, client, server, clock, rng)

    local = everything(ctx)
    assert sorted(r.reference for r in local) == sorted(filed)
    assert problems_with_delivery(local, on_server(server)) == []
    assert server.stored_count() == REQUESTS
    assert Counter(r.state for r in local) == {RequestState.SENT: REQUESTS}
    # The faults did happen, and reconciliation did both of its jobs: found answers lost after the
    # server stored the request, and sent again what never arrived.
    finds = len(server.calls_of("find"))
    creates = len(server.calls_of("create"))
    assert tally.reconciled >= REQUESTS // 100, tally
    assert finds >= REQUESTS // 20 and creates > REQUESTS + REQUESTS // 10, (finds, creates)
    assert tally.sent + tally.reconciled == REQUESTS, tally
    assert tally.pauses == 0 and tally.refused == 0, tally
    print(f"\n{REQUESTS} requests: {tally.rounds} rounds, {creates} creates, {finds} searches, {tally}")


def test_refusals_wait_for_staff_and_a_refused_key_pauses_until_resumed(ctx, client, server, clock):
    """Some requests the server refuses (HTML in the description, or a scripted 400): they wait for staff
    and are not on the server. A 403 on a create, and one on a search, pause delivery mid-way; after
    ``sync.resume`` it carries on, and the rest arrive exactly once."""
    rng = random.Random(SEED + 1)
    count = max(200, REQUESTS // 4)
    filed = file_requests(ctx, count, rng, refused_every=25)
    html = {ref for i, ref in enumerate(filed) if i % 25 == 24}
    switch_on_faults(server)
    scripted_400 = 0

    def between_rounds(round_number: int) -> None:
        nonlocal scripted_400
        if round_number % 15 == 0:
            server.faults.script("create", ["400"])
            scripted_400 += 1
        if round_number == 40:
            server.faults.script("create", ["403"])
        if round_number == 80:
            server.faults.script("find", ["403"])

    tally = drain(ctx, client, server, clock, rng, between_rounds=between_rounds)
    assert server.faults.pending("create") == 0 and server.faults.pending("find") == 0
    assert tally.pauses == 2, tally

    local = everything(ctx)
    waiting = {r.reference for r in local if r.state == RequestState.NEEDS_PERSON}
    assert html <= waiting
    assert 1 <= len(waiting - html) <= scripted_400  # a scripted 400 may have fallen on a refused one
    assert all("HTTP 400" in r.last_error for r in local if r.state == RequestState.NEEDS_PERSON)
    assert problems_with_delivery(local, on_server(server), refused=waiting) == []
    assert server.stored_count() == count - len(waiting)
    assert tally.refused == len(waiting)


def test_a_refused_key_on_the_search_keeps_the_request_in_flight(ctx, client, server, clock):
    """The create was stored but its answer lost; the search that would find it is answered 403. After
    resume the request must be looked for again, not sent blindly a second time."""
    filed = requests.submit(ctx, draft(0, random.Random(1)), "en", ADDRESS)
    server.faults.script("create", ["drop_after_store"])
    assert sync.sync_once(ctx, client, rng=random.Random(1)).retried == 1
    clock.advance(minutes=20)
    server.faults.script("find", ["403"])
    assert sync.sync_once(ctx, client).paused
    assert requests.lookup(ctx, filed.reference).in_flight
    sync.resume(ctx)
    report = sync.sync_once(ctx, client)
    assert (report.sent, report.reconciled) == (0, 1)
    assert problems_with_delivery(everything(ctx), on_server(server)) == []


def test_a_refused_search_waits_for_staff_still_in_flight(ctx, client, server, clock):
    """A 400 on the search is no proof the request is not on the server: staff who send it again must
    not file it twice."""
    filed = requests.submit(ctx, draft(0, random.Random(1)), "en", ADDRESS)
    server.faults.script("create", ["timeout_after_store"])
    assert sync.sync_once(ctx, client, rng=random.Random(1)).retried == 1
    clock.advance(minutes=20)
    server.faults.script("find", ["400"])
    assert sync.sync_once(ctx, client).refused == 1
    waiting = requests.lookup(ctx, filed.reference)
    assert waiting.state == RequestState.NEEDS_PERSON and waiting.in_flight
    requests.resend(ctx, waiting.id)
    report = sync.sync_once(ctx, client)
    assert (report.sent, report.reconciled) == (0, 1)
    assert problems_with_delivery(everything(ctx), on_server(server)) == []
