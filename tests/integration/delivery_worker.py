"""A kiosk that files requests and syncs them, as a process for the crash test to kill (SIGKILL) and restart.

    python -m tests.integration.delivery_worker --db URL --server URL --state DIR --requests N --seed S

Prints ``ready`` once set up, then ``filed REFERENCE`` (flushed) for each request only after ``submit``
returned: what a visitor was told. It files until the database holds N requests, a few between sync
rounds, then syncs until nothing is queued, prints ``done`` and exits 0. A restarted worker carries on
from what the database holds.

Delivery runs on a clock that jumps ahead (like the tests' fake clock) when nothing is due, so backoff
and the leases of a killed worker are over at once rather than minutes later; the jumps are kept in
``DIR/clock`` so that a restarted worker never goes back in time. Filing uses the real clock, as the
server stamps its requests with the real time and reconciliation searches around the filing time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.domain.requests import RequestState
from kiosk.open311 import HttpOpen311Client
from kiosk.services import requests, sync
from kiosk.services.context import ServiceContext, SystemClock
from kiosk.storage.database import make_engine
from kiosk.storage.unit_of_work import SqlUnitOfWorkFactory
from tests.integration.delivery import ADDRESS, as_utc, draft

CLIENT_TIMEOUT = 0.3
API_KEY = "dev-key"
FILE_PER_ROUND = 3


class JumpClock:
    """Real time plus an offset that only grows, kept in a file across restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = timedelta(seconds=float(path.read_text())) if path.exists() else timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, moment: datetime) -> None:
        wanted = moment - datetime.now(UTC) + timedelta(milliseconds=5)
        if wanted <= self.offset:
            return
        self.offset = wanted
        scratch = self.path.with_suffix(".new")
        scratch.write_text(str(self.offset.total_seconds()))
        os.replace(scratch, self.path)  # a kill leaves the old offset or the new one, never half of one


def next_due(ctx: ServiceContext) -> datetime | None:
    """When the first queued request may be sent: its backoff over and any lease (a killed worker's) too."""
    with ctx.uow() as uow:
        queued = uow.requests.in_state([RequestState.QUEUED], limit=100_000)
    moments = [
        max(as_utc(r.next_attempt_at or ctx.now()), as_utc(r.lease_until or ctx.now())) for r in queued
    ]
    return min(moments, default=None)


def counts(ctx: ServiceContext) -> dict[RequestState, int]:
    with ctx.uow() as uow:
        return uow.requests.counts()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)

    engine = make_engine(options.db)
    uow = SqlUnitOfWorkFactory(engine)
    zone = ZoneInfo("America/Los_Angeles")
    clock = JumpClock(Path(options.state) / "clock")
    filing = ServiceContext(uow, SystemClock(), zone)
    delivery = ServiceContext(uow, clock, zone)
    rng = random.Random(options.seed)
    client = HttpOpen311Client(options.server, API_KEY, timeout=CLIENT_TIMEOUT)
    print("ready", flush=True)
    try:
        while True:
            total = sum(counts(filing).values())
            for index in range(total, min(options.requests, total + FILE_PER_ROUND)):
                filed = requests.submit(filing, draft(index, rng), "en", ADDRESS)
                print(f"filed {filed.reference}", flush=True)  # acknowledged to the visitor
            report = sync.sync_once(delivery, client, device_id="crash-kiosk", rng=rng)
            if report.paused:
                raise SystemExit(f"delivery paused: {report.error}")
            if total >= options.requests and not counts(filing).get(RequestState.QUEUED):
                print("done", flush=True)
                return 0
            due = next_due(delivery)
            if due is not None and due > clock.now():
                clock.jump_to(due)
    finally:
        client.close()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
