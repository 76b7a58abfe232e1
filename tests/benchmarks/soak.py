"""Memory soak: thousands of visitor sessions through the real kiosk window, offscreen.

Run it as a script (pytest does not collect tests/benchmarks)::

    python tests/benchmarks/soak.py [--visits 5000] [--warmup 200]

Each case runs in a fresh process, spawned with ``QT_QPA_PLATFORM=offscreen``; resident memory is
VmRSS from /proc/self/status, after Qt's pending events and a garbage collection.

- bare:  a plain PySide6 QWidget (1280x900) shown: the baseline.
- floor: the same after ``import sqlalchemy.orm``: a reference for how much of the kiosk's idle memory its
  data layer takes before any screen (printed, not a target).
- kiosk: the kiosk window on a new SQLite database, as `kiosk` starts it (kiosk.selftest drives it).
  "idle" is measured on the welcome screen before the first visitor. Then visitors come, each through
  the buttons' own signals: a language, a service, a first name or "Skip", the ticket, and the end of
  the visit by "Done" or by the idle reset after its warning (kiosk/selftest.py). Every 50 visits
  reception serves everyone waiting, so the queue stays as short as a real day's. "start" is measured
  after ``--warmup`` visits (every screen, language and cache has been used once), "end" after
  ``--visits`` more. Growth is end - start.

Targets: growth under 5 MB; idle at most 1.5x the bare window. Exit status: 0 when both runs worked
(PASS or MISS is printed), 1 when a run failed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GROWTH_TARGET_MB = 5.0
IDLE_RATIO_TARGET = 1.5
SERVE_EVERY = 50


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def settle() -> float:
    """RSS once Qt's pending work has run and Python's garbage is collected."""
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QThreadPool.globalInstance().waitForDone(5_000)
        QApplication.processEvents()
        # deleteLater() runs only when the event loop gets there.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
    return rss_mb()


def bare() -> dict:
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(1280, 900)
    window.show()
    for _ in range(10):
        app.processEvents()
    return {"idle": settle()}


def floor() -> dict:
    """The bare window with SQLAlchemy's ORM imported, as every station needs it (DESIGN.md's data
    layer): what no kiosk built on it can go below."""
    import sqlalchemy.orm  # noqa: F401

    return bare()


def kiosk(visits: int, warmup: int) -> dict:
    from kiosk.selftest import KioskVisitors, open_kiosk, serve_all

    # The database was made by another process (--case prepare): like every start but the first, this
    # one finds it at the newest schema and never imports Alembic.
    _app, window, backend = open_kiosk(Path(os.environ["KIOSK_DATA_DIR"]))
    visitors = KioskVisitors(window)
    visitors.ready()
    idle = settle()
    trend = []
    started = time.perf_counter()
    start = None
    for index in range(warmup + visits):
        visitors.visit(index)
        if index % SERVE_EVERY == SERVE_EVERY - 1:
            serve_all(backend.ctx)
        if index + 1 == warmup:
            start = settle()
            started = time.perf_counter()
        done = index + 1 - warmup
        if done > 0 and done % 500 == 0:
            trend.append((done, round(settle(), 1)))
            print(f"  {done} visits: {trend[-1][1]:.1f} MB", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    serve_all(backend.ctx)
    end = settle()
    window.close()
    backend.dispose()
    return {
        "idle": idle,
        "start": start if start is not None else idle,
        "end": end,
        "trend": trend,
        "seconds": seconds,
    }


def prepare() -> dict:
    from kiosk.app import build_backend
    from kiosk.settings import load_settings

    build_backend(load_settings()).dispose()
    return {}


def child(commands: list[list[str]]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-home-") as home:
        env["KIOSK_CONFIG"] = str(Path(home) / "absent.toml")
        env["KIOSK_DATA_DIR"] = home
        for command in commands:
            result = subprocess.run(
                [sys.executable, __file__, *command], env=env, stdout=subprocess.PIPE, stderr=None, text=True
            )
            if result.returncode != 0:
                raise RuntimeError(f"{' '.join(command)}: exit status {result.returncode}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=5000, help="measured visits (default 5000)")
    parser.add_argument("--warmup", type=int, default=200, help="visits before 'start' (default 200)")
    parser.add_argument("--case", choices=["bare", "floor", "prepare", "kiosk"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case == "bare":
        print(json.dumps(bare()))
        return 0
    if args.case == "floor":
        print(json.dumps(floor()))
        return 0
    if args.case == "prepare":
        print(json.dumps(prepare()))
        return 0
    if args.case == "kiosk":
        print(json.dumps(kiosk(args.visits, args.warmup)))
        return 0

    from kiosk import __version__

    print(
        f"kiosk {__version__} memory soak, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{args.warmup} warm-up + {args.visits} measured visits",
        flush=True,
    )
    try:
        base = child([["--case", "bare"]])
        with_orm = child([["--case", "floor"]])
        measured = child(
            [
                ["--case", "prepare"],
                ["--case", "kiosk", "--visits", str(args.visits), "--warmup", str(args.warmup)],
            ]
        )
    except (RuntimeError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    growth = measured["end"] - measured["start"]
    ratio = measured["idle"] / base["idle"]
    print()
    print(f"bare PySide6 window, idle:               {base['idle']:7.1f} MB")
    print(
        f"  the same with SQLAlchemy's ORM imported: {with_orm['idle']:7.1f} MB   "
        f"({with_orm['idle'] / base['idle']:.2f}x bare: the data layer's own floor)"
    )
    print(f"kiosk, idle on the welcome screen:       {measured['idle']:7.1f} MB   ({ratio:.2f}x bare)")
    print(f"kiosk, start (after {args.warmup} warm-up visits): {measured['start']:7.1f} MB")
    print(f"kiosk, end (after {args.visits} more visits):    {measured['end']:7.1f} MB")
    print(f"growth start -> end:                     {growth:+7.1f} MB")
    print("trend (visits, MB): " + ", ".join(f"{n}: {mb}" for n, mb in measured["trend"]))
    print(
        f"{args.visits} visits in {measured['seconds']:.0f} s ({measured['seconds'] / args.visits * 1000:.1f} ms each)"
    )
    print(
        f"{'PASS' if growth < GROWTH_TARGET_MB else 'MISS'}: growth {growth:+.1f} MB "
        f"(target under {GROWTH_TARGET_MB:.0f} MB)"
    )
    print(
        f"{'PASS' if ratio <= IDLE_RATIO_TARGET else 'MISS'}: idle {ratio:.2f}x the bare window "
        f"(target at most {IDLE_RATIO_TARGET}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
