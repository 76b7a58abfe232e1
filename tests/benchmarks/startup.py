"""Start-up benchmark: process start to an interactive welcome screen, beside a bare PySide6 window.

Run it as a script (pytest does not collect tests/benchmarks)::

    python tests/benchmarks/startup.py [--runs 9] [--warmup 2]

Every measurement is a fresh process, spawned with ``QT_QPA_PLATFORM=offscreen``, timed from just before
the spawn to the moment its ``kiosk: ready`` line is read from its standard output. The cases:

- bare:   a plain QWidget shown, "ready" printed from a ``QTimer.singleShot(0)`` after ``show()``, then
          quit: the same logic as ``kiosk --exit-when-ready``. The baseline.
- first:  ``python -m kiosk --windowed --exit-when-ready`` on a new, empty data directory each run (the
          database is created and migrated; the headline figure, as the target is stated for it).
- second: the same on a data directory whose database is already at head (every start after the first).

The cases are interleaved round by round (the order rotates), after warm-up rounds that are not counted.
The time to exit is printed too: the kiosk opens the database on a worker thread and waits for it before
leaving, so the migration shows there rather than before "ready".

Exit status: 0 when every run worked, PASS or MISS; 1 when a run failed (no ready line, non-zero exit,
a traceback, a database not at head afterwards).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

READY = "kiosk: ready"
TARGET_RATIO = 2.0
RUN_TIMEOUT = 60.0

BARE_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication(sys.argv[:1])
window = QWidget()
window.setWindowTitle("bare")
window.resize(1280, 900)
window.show()

def ready():
    app.processEvents()
    sys.stdout.write("kiosk: ready\\n")
    sys.stdout.flush()
    app.quit()

QTimer.singleShot(0, ready)
sys.exit(app.exec())
"""


class BenchmarkError(RuntimeError):
    pass


@dataclass
class Case:
    name: str
    label: str
    ready: list[float] = field(default_factory=list)
    exit: list[float] = field(default_factory=list)


def base_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    return env


def kiosk_environment(data_dir: Path) -> dict[str, str]:
    env = base_environment()
    env["KIOSK_DATA_DIR"] = str(data_dir)
    env["KIOSK_CONFIG"] = str(data_dir / "no-such-settings.toml")
    return env


def spawn_and_time(command: list[str], env: dict[str, str], scratch: Path) -> tuple[float, float]:
    """(seconds to the ready line, seconds to exit) for one fresh process."""
    stderr_path = scratch / "stderr.txt"
    with stderr_path.open("w+b") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=stderr, cwd=scratch)
        ready_at = None
        try:
            assert process.stdout is not None
            for raw in process.stdout:
                if raw.decode("utf-8", "replace").strip() == READY:
                    ready_at = time.perf_counter() - start
                    break
            process.stdout.read()
            code = process.wait(timeout=RUN_TIMEOUT)
            exited_at = time.perf_counter() - start
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.wait()
            raise BenchmarkError(f"{' '.join(command)}: still running after {RUN_TIMEOUT} s") from exc
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    if code != 0:
        raise BenchmarkError(f"{' '.join(command)}: exit status {code}\n{errors}")
    if ready_at is None:
        raise BenchmarkError(f"{' '.join(command)}: never printed {READY!r}\n{errors}")
    if "Traceback" in errors:
        raise BenchmarkError(f"{' '.join(command)}: traceback on stderr\n{errors}")
    return ready_at, exited_at


def database_revision(data_dir: Path) -> str | None:
    path = data_dir / "kiosk.sqlite3"
    if not path.exists():
        return None
    with sqlite3.connect(path) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def check_kiosk_log(data_dir: Path) -> None:
    log = data_dir / "logs" / "kiosk.log"
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    if "Traceback" in text or " ERROR " in text or " CRITICAL " in text:
        raise BenchmarkError(f"{log} reports an error:\n{text}")


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs per case (default 9)")
    parser.add_argument("--warmup", type=int, default=2, help="uncounted rounds first (default 2)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    from kiosk import __version__
    from kiosk.storage.migrate import HEAD

    python = sys.executable
    kiosk_command = [python, "-m", "kiosk", "--windowed", "--exit-when-ready"]
    bare_command = [python, "-c", BARE_SCRIPT]
    cases = {
        "bare": Case("bare", "bare PySide6 QWidget"),
        "first": Case("first", "kiosk, first start (empty data dir, migration)"),
        "second": Case("second", "kiosk, second start (database at head)"),
    }

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        root = Path(tmp)
        scratch = root / "scratch"
        scratch.mkdir()
        second_dir = root / "second"
        counter = 0

        def run(name: str) -> tuple[float, float]:
            nonlocal counter
            if name == "bare":
                return spawn_and_time(bare_command, base_environment(), scratch)
            if name == "first":
                counter += 1
                data_dir = root / f"first-{counter}"
                if data_dir.exists():
                    raise BenchmarkError(f"{data_dir} should be new")
                result = spawn_and_time(kiosk_command, kiosk_environment(data_dir), scratch)
            else:
                data_dir = second_dir
                if database_revision(data_dir) != HEAD:
                    raise BenchmarkError(f"{data_dir}: the database is not at {HEAD} before a second start")
                result = spawn_and_time(kiosk_command, kiosk_environment(data_dir), scratch)
            revision = database_revision(data_dir)
            if revision != HEAD:
                raise BenchmarkError(f"{data_dir}: database at {revision!r} after the run, not {HEAD}")
            check_kiosk_log(data_dir)
            return result

        try:
            # The second-start directory gets its database from one kiosk start of its own.
            spawn_and_time(kiosk_command, kiosk_environment(second_dir), scratch)
            if database_revision(second_dir) != HEAD:
                raise BenchmarkError(
                    f"{second_dir}: the first kiosk start did not bring the database to head"
                )
            order = list(cases)
            print(
                f"kiosk {__version__} start-up, Python {sys.version.split()[0]}, "
                f"{os.cpu_count()} CPUs, {args.warmup} warm-up round(s), {args.runs} runs per case",
                flush=True,
            )
            for round_index in range(args.warmup + args.runs):
                rotation = round_index % len(order)
                for name in order[rotation:] + order[:rotation]:
                    ready, exited = run(name)
                    if round_index >= args.warmup:
                        cases[name].ready.append(ready)
                        cases[name].exit.append(exited)
                done = round_index + 1 - args.warmup
                if done > 0:
                    print(f"  round {done}/{args.runs} done", file=sys.stderr, flush=True)
        except BenchmarkError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            return 1

    def ms(value: float) -> str:
        return f"{value * 1000:7.0f} ms"

    print()
    print(f"{'case':50} {'ready median':>12} {'ready p90':>10} {'exit median':>12} {'exit p90':>10}")
    for case in cases.values():
        print(
            f"{case.label:50} {ms(statistics.median(case.ready)):>12} {ms(percentile(case.ready, 0.9)):>10} "
            f"{ms(statistics.median(case.exit)):>12} {ms(percentile(case.exit, 0.9)):>10}"
        )
    bare = statistics.median(cases["bare"].ready)
    first = statistics.median(cases["first"].ready)
    second = statistics.median(cases["second"].ready)
    print()
    print(f"ratio kiosk/bare, first start  (median to ready): {first / bare:.2f}x")
    print(f"ratio kiosk/bare, second start (median to ready): {second / bare:.2f}x")
    print(f"first start / second start     (median to ready): {first / second:.2f}x")
    print(
        f"first start / second start     (median to exit):  "
        f"{statistics.median(cases['first'].exit) / statistics.median(cases['second'].exit):.2f}x"
    )
    print(f"target: kiosk/bare at most {TARGET_RATIO:.1f}x")
    for label, value in (("first start", first / bare), ("second start", second / bare)):
        verdict = "PASS" if value <= TARGET_RATIO else "MISS"
        print(f"{verdict}: {label} {value:.2f}x (target <= {TARGET_RATIO:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
