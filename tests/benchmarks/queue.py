"""Queue benchmark on PostgreSQL: call-next with 8 consoles at once, beside the bare SQL, and how soon
the now-serving display shows a call.

Run it as a script (pytest does not collect tests/benchmarks)::

    KIOSK_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5433/postgres python tests/benchmarks/queue.py
        [--seconds 10] [--consoles 8] [--rounds 2] [--lobby-seconds 20]

Each run makes a fresh database on that server. The cases, in one run, each console a process of its own,
each for ``--seconds`` with the queue full (the rounds alternate the two, to share out the machine's noise):

- bare:  psycopg and the SQL statements a call needs, hand-written: is the counter free, claim the first
         waiting ticket (``FOR UPDATE SKIP LOCKED``) and mark it called, bump the change counter with its
         NOTIFY, commit; then the same for serving it. The baseline: the server alone.
- kiosk: ``kiosk.services.queue.call_next`` then ``finish``, as the console calls them.

Calls per second of each, the ratio kiosk/bare (target at least 0.5), then a busy lobby as in
tests/integration/test_queue_load.py (8 consoles, 4 kiosks, 2 now-serving windows hearing of calls
through LISTEN/NOTIFY) and the display's lag from a call to its screen: p50 and p95 (target p95 < 1 s).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path and its name would hide the standard `queue`.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402 - after the path is mended
import multiprocessing  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

TARGET_RATIO = 0.5
TARGET_P95_S = 1.0

CALL = {
    "busy": "SELECT number FROM tickets WHERE counter = %s AND status IN ('called', 'serving') LIMIT 1",
    # The first waiting ticket of the top priority, in arrival order (ix_tickets_queue), as the kiosk does.
    "claim": (
        "UPDATE tickets SET status = 'called', counter = %s, called_at = now() WHERE id = ("
        "SELECT id FROM tickets WHERE status = 'waiting' AND priority = "
        "(SELECT max(priority) FROM tickets WHERE status = 'waiting') ORDER BY queued_at, id "
        "LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id"
    ),
    "finish": (
        "UPDATE tickets SET status = 'done', serving_at = coalesce(serving_at, called_at), "
        "finished_at = now() WHERE id = %s"
    ),
    "bump": (
        "WITH bumped AS (UPDATE change_counters SET version = version + 1 WHERE name = 'queue' "
        "RETURNING version) SELECT pg_notify('kiosk_queue', version::text) FROM bumped"
    ),
}


def bare_console(url: str, counter: str, go, seconds: float, results) -> None:
    import psycopg

    from kiosk.storage.notify import connection_options

    calls = 0
    with psycopg.connect(**connection_options(url)) as connection:
        results.put(("ready", counter))
        go.wait()
        cpu = time.process_time()
        stop_at = time.perf_counter() + seconds
        while time.perf_counter() < stop_at:
            with connection.transaction():
                if connection.execute(CALL["busy"], (counter,)).fetchone():
                    raise RuntimeError("the counter is still busy")
                row = connection.execute(CALL["claim"], (counter,)).fetchone()
                if row is None:
                    raise RuntimeError("the queue ran dry: fill more tickets")
                connection.execute(CALL["bump"])
            calls += 1
            with connection.transaction():
                connection.execute(CALL["finish"], (row[0],))
                connection.execute(CALL["bump"])
    results.put(("done", calls, time.process_time() - cpu))


def kiosk_console(url: str, counter: str, go, seconds: float, results) -> None:
    from kiosk.services import queue
    from tests.integration.workers import context

    ctx, engine = context(url)
    queue.change_marker(ctx)
    results.put(("ready", counter))
    go.wait()
    calls = 0
    cpu = time.process_time()
    stop_at = time.perf_counter() + seconds
    try:
        while time.perf_counter() < stop_at:
            ticket = queue.call_next(ctx, counter)
            calls += 1
            queue.finish(ctx, ticket.id)
        cpu = time.process_time() - cpu
    finally:
        engine.dispose()
    results.put(("done", calls, cpu))


def fill(url: str, tickets: int) -> None:
    """Waiting tickets up to ``tickets`` (every case starts with the same line) in one statement:
    copies of one real check-in, whatever the columns."""
    import psycopg

    from kiosk.services import checkin
    from kiosk.storage.notify import connection_options
    from tests.integration.workers import context

    ctx, engine = context(url)
    try:
        template = checkin.check_in(ctx, "information").ticket.id
    finally:
        engine.dispose()
    with psycopg.connect(**connection_options(url)) as connection:
        columns = [
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets' "
                "AND column_name <> 'id' ORDER BY ordinal_position"
            )
        ]
        start = connection.execute("SELECT coalesce(max(sequence), 0) FROM tickets").fetchone()[0] + 1
        waiting = connection.execute("SELECT count(*) FROM tickets WHERE status = 'waiting'").fetchone()[0]
        tickets -= waiting
        if tickets <= 0:
            return
        made = {
            "sequence": "%(start)s + g",
            "number": "'A' || (%(start)s + g)",
            "queued_at": "t.queued_at + g * interval '1 millisecond'",
        }
        values = ", ".join(made.get(column, f"t.{column}") for column in columns)
        connection.execute(
            f"INSERT INTO tickets ({', '.join(columns)}) SELECT {values} "
            "FROM tickets t, generate_series(1, %(n)s) g WHERE t.id = %(template)s",
            {"start": start, "n": tickets, "template": template},
        )
        # The next real check-in numbers after the copies.
        connection.execute(
            "UPDATE ticket_sequences s SET last_sequence = m.top FROM (SELECT service_date, service_code, "
            "max(sequence) AS top FROM tickets GROUP BY 1, 2) m "
            "WHERE s.service_date = m.service_date AND s.service_code = m.service_code"
        )


def run_case(target, url: str, consoles: int, seconds: float) -> tuple[float, float]:
    """Calls per second of all the consoles together, and the consoles' own CPU time per call (ms)."""
    context = multiprocessing.get_context("forkserver")
    go, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=target, args=(url, str(n + 1), go, seconds, results)) for n in range(consoles)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        assert results.get(timeout=120)[0] == "ready"
    started = time.perf_counter()
    go.set()
    done = [results.get(timeout=seconds + 120) for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join(30)
    calls = sum(d[1] for d in done)
    return calls / elapsed, 1000 * sum(d[2] for d in done) / max(1, calls)


def fresh_database(admin_url: str) -> str:
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"kiosk_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(drivername="postgresql+psycopg", database=name).render_as_string(False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("KIOSK_TEST_PG_URL", ""))
    parser.add_argument("--seconds", type=float, default=10.0, help="each case, each round")
    parser.add_argument("--consoles", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--line", type=int, default=10_000, help="tickets waiting when each case starts")
    parser.add_argument("--lobby-seconds", type=float, default=20.0, help="the busy lobby with its displays")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set KIOSK_TEST_PG_URL (a PostgreSQL server)")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    multiprocessing.get_context("forkserver").set_forkserver_preload(
        ["kiosk.services.queue", "kiosk.storage.unit_of_work", "kiosk.storage.notify", "psycopg"]
    )

    from kiosk import __version__
    from kiosk.app import build_backend
    from kiosk.settings import load_settings
    from tests.integration.queue_load import run_load

    url = fresh_database(args.database_url)
    build_backend(load_settings(environ={}, database_url=url)).dispose()
    print(
        f"kiosk {__version__}, PostgreSQL, {args.consoles} consoles, {os.cpu_count()} CPUs, {args.seconds:g} s a case"
    )
    rates: dict[str, list[float]] = {"bare": [], "kiosk": []}
    cpu: dict[str, list[float]] = {"bare": [], "kiosk": []}
    for round_number in range(args.rounds):
        for name, target in (("bare", bare_console), ("kiosk", kiosk_console)):
            fill(url, args.line)
            rate, cpu_ms = run_case(target, url, args.consoles, args.seconds)
            rates[name].append(rate)
            cpu[name].append(cpu_ms)
            print(
                f"  round {round_number + 1} {name:5}: {rate:7.0f} calls/s, console CPU {cpu_ms:.2f} ms a call"
            )
    bare, ours = statistics.mean(rates["bare"]), statistics.mean(rates["kiosk"])
    ratio = ours / bare
    print(f"bare SQL  : {bare:7.0f} call-next/s (with serving each)")
    print(f"call_next : {ours:7.0f} call-next/s")
    print(
        f"console CPU a call (and its serving): bare {statistics.mean(cpu['bare']):.2f} ms, "
        f"call_next {statistics.mean(cpu['kiosk']):.2f} ms"
    )
    print(
        f"ratio     : {ratio:.2f}x  {'PASS' if ratio >= TARGET_RATIO else 'MISS'} (target >= {TARGET_RATIO}x)"
    )

    if args.lobby_seconds <= 0:
        return 0
    lobby_url = fresh_database(args.database_url)
    build_backend(load_settings(environ={}, database_url=lobby_url)).dispose()
    report = run_load(lobby_url, args.lobby_seconds)
    p50, p95, worst = report.lag_percentiles()
    shown = sum(len(lags) for lags in report.lags)
    print(
        f"lobby     : {len(report.calls)} calls, {len(report.issued)} check-ins in {report.elapsed:.0f} s, "
        f"{shown} calls shown on 2 displays"
    )
    print(
        f"display   : p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, worst {worst * 1000:.0f} ms  "
        f"{'PASS' if p95 < TARGET_P95_S else 'MISS'} (target p95 < {TARGET_P95_S:g} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
