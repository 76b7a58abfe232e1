"""The kiosk process killed (SIGKILL) at random moments while it files and syncs, restarted each time.

The worker (tests/integration/delivery_worker.py) runs against the development server as a process of its
own, so killing the worker leaves the server up; the server answers slowly, hangs after storing, drops
connections and cuts answers short, so that kills often land in the middle of a send. In the end every
request the worker acknowledged (printed after ``submit`` returned) is on the server exactly once and
marked sent; so is every other request it kept. On a SQLite file, and on PostgreSQL when available.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.domain.requests import RequestState
from kiosk.open311 import HttpOpen311Client
from kiosk.open311.dev_server import DevServerProcess
from kiosk.services import sync
from tests.integration.delivery import everything, problems_with_delivery

REQUESTS = int(os.environ.get("KIOSK_CRASH_REQUESTS", "120"))
KILLS = int(os.environ.get("KIOSK_CRASH_KILLS", "3"))
SEED = int(os.environ.get("KIOSK_CRASH_SEED", "4311"))
ROOT = Path(__file__).resolve().parents[2]
FILED = re.compile(r"^filed ([A-Z0-9]{4}-[A-Z0-9]{4})$")
CREATE_FAULTS = [
    [{"kind": "slow", "seconds": 0.15}, 0.15],  # within the client's 0.3 s: a window for a kill mid-send
    ["timeout_after_store", 0.08],
    ["timeout_before_store", 0.03],
    ["drop_after_store", 0.05],
    ["malformed", 0.04],
    ["503", 0.04],
    ["504", 0.03],
]
FIND_FAULTS = [
    [{"kind": "slow", "seconds": 0.15}, 0.15],
    ["timeout_before_store", 0.05],
    ["500", 0.05],
]


class Worker:
    """One run of the worker process; its stdout read on a thread."""

    def __init__(self, db_url: str, server_url: str, state: Path, seed: int) -> None:
        command = [
            sys.executable,
            "-m",
            "tests.integration.delivery_worker",
            "--db",
            db_url,
            "--server",
            server_url,
            "--state",
            str(state),
            "--requests",
            str(REQUESTS),
            "--seed",
            str(seed),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.filed: list[str] = []
        self.ready = threading.Event()
        self.done = False
        self.stderr = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if not line.endswith("\n"):
                break  # cut off by the kill: never acknowledged
            line = line.strip()
            if line == "ready":
                self.ready.set()
            elif line == "done":
                self.done = True
            elif found := FILED.match(line):
                self.filed.append(found.group(1))

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.finish(10)

    def finish(self, timeout: float) -> int:
        try:
            code = self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._reader.join(5)
            self.stderr = self.process.stderr.read() if self.process.stderr else ""
            self.ready.set()
        return code


def leased(ctx) -> int:
    """Requests a killed worker left claimed: it was killed between claiming and settling a send."""
    return sum(1 for r in everything(ctx) if r.state == RequestState.QUEUED and r.lease_until is not None)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, make_settings):
    from kiosk.app import build_backend

    if request.param == "sqlite":
        settings = make_settings()
    else:
        settings = make_settings(database_url=request.getfixturevalue("pg_url"))
    backend = build_backend(settings, seed=False)
    yield backend, settings.effective_database_url
    backend.dispose()


def test_kills_at_random_moments_lose_nothing_and_file_nothing_twice(database, tmp_path):
    backend, db_url = database
    ctx = backend.ctx
    rng = random.Random(SEED)
    state = tmp_path / "worker"
    state.mkdir()
    started = time.monotonic()
    with DevServerProcess(db_path=tmp_path / "open311.sqlite3") as server:
        with HttpOpen311Client(server.url, "dev-key", timeout=5) as client:
            sync.refresh_catalogue(ctx, client)
        server.faults(hang_seconds=1.0)
        server.faults(call="create", probabilities=CREATE_FAULTS, seed=SEED)
        server.faults(call="find", probabilities=FIND_FAULTS)

        acknowledged: list[str] = []
        killed_mid_send = 0
        for run in range(KILLS + 1):
            worker = Worker(db_url, server.url, state, seed=rng.randrange(1 << 30))
            assert worker.ready.wait(30), "the worker did not start"
            if run < KILLS:
                time.sleep(rng.uniform(0.05, 1.0))
                worker.kill()
                acknowledged += worker.filed
                assert not worker.done, "the worker finished before it was killed: file more requests"
                killed_mid_send += leased(ctx) > 0
            else:
                code = worker.finish(120)
                acknowledged += worker.filed
                assert code == 0 and worker.done, worker.stderr
        stored = [(r["service_request_id"], r["description"]) for r in server.stored()]

    local = everything(ctx)
    assert len(acknowledged) == len(set(acknowledged))
    assert set(acknowledged) <= {r.reference for r in local}, "a request acknowledged to a visitor was lost"
    assert len(acknowledged) >= REQUESTS - KILLS  # at most one committed but not yet printed per kill
    assert len(local) == REQUESTS
    assert problems_with_delivery(local, stored) == []
    assert killed_mid_send >= 1, "no kill landed between a claim and its settling"
    print(
        f"\n{REQUESTS} requests, {KILLS} kills ({killed_mid_send} mid-send), "
        f"{len(stored)} on the server, {time.monotonic() - started:.1f} s"
    )
