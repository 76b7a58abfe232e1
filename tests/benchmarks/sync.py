"""Sync benchmark: draining queued requests to the Open311 development server, beside a raw POST loop.

Run it as a script (pytest does not collect tests/benchmarks)::

    python tests/benchmarks/sync.py [--requests 5000] [--database-url URL] [--profile]

The server runs as a process of its own in benchmark mode (no faults, no delays), so that it does not
share the GIL with what is measured. The cases, in one run against that one server:

- raw:  an ``httpx.Client`` (one keep-alive connection) POSTing the very form bodies the kiosk would send,
        one after the other, reading each answer's JSON. The baseline: the network and the server alone.
- sync: ``kiosk.services.sync.sync_once`` rounds until the outbox is empty, on the kiosk's database (a
        SQLite file by default): each request claimed and committed before it is sent, then settled.

Requests per second of each, the ratio sync/raw, and PASS when it is at least the target, MISS otherwise.
``--profile`` runs the sync case under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 0.8


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--database-url", default="", help="the kiosk's database (default: a SQLite file)")
    parser.add_argument("--profile", action="store_true", help="profile the sync case with cProfile")
    args = parser.parse_args(argv)

    import httpx

    from kiosk import __version__
    from kiosk.app import build_backend
    from kiosk.domain.requests import RequestState
    from kiosk.open311 import HttpOpen311Client
    from kiosk.open311.dev_server import DevServerProcess
    from kiosk.open311.form import CONTENT_TYPE, create_fields, encode
    from kiosk.services import requests, sync
    from kiosk.settings import load_settings
    from tests.integration.delivery import ADDRESS, draft

    with tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-") as tmp:
        root = Path(tmp)
        overrides = {"data_dir": str(root)}
        if args.database_url:
            overrides["database_url"] = args.database_url
        settings = load_settings(path=root / "no-settings.toml", environ={}, **overrides)
        backend = build_backend(settings, seed=False)
        ctx = backend.ctx
        with DevServerProcess("--benchmark", db_path=root / "open311.sqlite3") as server:
            client = HttpOpen311Client(server.url, "dev-key", timeout=10)
            sync.refresh_catalogue(ctx, client)
            rng = random.Random(5000)
            print(f"kiosk {__version__}: filing {args.requests} requests...", file=sys.stderr, flush=True)
            filed = [requests.submit(ctx, draft(i, rng), "en", ADDRESS) for i in range(args.requests)]
            bodies = [
                encode(create_fields(sync._to_send(r, "bench-kiosk"), api_key="dev-key", jurisdiction_id=""))
                for r in filed
            ]

            # raw: the same bodies, one keep-alive connection, each answer read
            with httpx.Client(base_url=server.url, timeout=10) as raw:
                raw.post("requests.json", content=bodies[0], headers={"Content-Type": CONTENT_TYPE})  # warm
                start = time.perf_counter()
                for body in bodies:
                    response = raw.post("requests.json", content=body, headers={"Content-Type": CONTENT_TYPE})
                    if response.status_code != 200 or not json.loads(response.text)[0]["service_request_id"]:
                        raise RuntimeError(f"raw POST failed: {response.status_code} {response.text[:200]}")
                raw_seconds = time.perf_counter() - start

            profiler = cProfile.Profile() if args.profile else None
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            sent = 0
            while True:
                report = sync.sync_once(ctx, client, device_id="bench-kiosk", limit=args.requests)
                if report.error or report.paused:
                    raise RuntimeError(f"sync failed: {report}")
                sent += report.sent
                if report.sent == 0:
                    break
            if profiler:
                profiler.disable()
            sync_seconds = time.perf_counter() - start
            client.close()
            counts = sync.status(ctx)[1]
            stored = server.stored_count()
        backend.dispose()

    if sent != args.requests or counts != {RequestState.SENT: args.requests}:
        print(f"ERROR: sent {sent}, local states {counts}", file=sys.stderr)
        return 1
    if stored != 2 * args.requests + 1:
        print(f"ERROR: the server holds {stored}, expected {2 * args.requests + 1}", file=sys.stderr)
        return 1
    raw_rate = args.requests / raw_seconds
    sync_rate = args.requests / sync_seconds
    database = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite file"
    print(
        f"kiosk {__version__} sync, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{args.requests} requests, kiosk database: {database}"
    )
    print(f"raw httpx keep-alive POST loop: {raw_rate:8.0f} requests/s ({raw_seconds:6.2f} s)")
    print(f"sync_once until the outbox is empty: {sync_rate:8.0f} requests/s ({sync_seconds:6.2f} s)")
    ratio = sync_rate / raw_rate
    print(f"ratio sync/raw: {ratio:.2f}x (target >= {TARGET_RATIO:.1f}x)")
    print(f"{'PASS' if ratio >= TARGET_RATIO else 'MISS'}: sync {ratio:.2f}x the raw loop")
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative")
        stats.print_stats(30)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
