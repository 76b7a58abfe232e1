"""A busy lobby on one PostgreSQL, each station a process of its own: consoles calling and serving,
kiosks checking visitors in, now-serving displays following (the real window, offscreen, hearing of
calls through LISTEN/NOTIFY). Used by tests/integration/test_queue_load.py and tests/benchmarks/queue.py.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import time
from dataclasses import dataclass, field

from tests.integration.workers import context

PRELOAD = [
    "kiosk.services.checkin",
    "kiosk.services.queue",
    "kiosk.services.display",
    "kiosk.storage.unit_of_work",
    "kiosk.storage.notify",
    "psycopg",
    "PySide6.QtWidgets",
    "kiosk.ui.stations.display",
]
SERVICES = ("information", "permits", "payments", "parking", "accommodation")
LANGUAGES = ("en", "es", "vi", "zh_Hant", "ru")


def console(url: str, counter: str, go, seconds: float, hold: tuple[float, float], results) -> None:
    """Call, keep the visitor at the counter a moment, serve; after ``seconds`` call until nobody waits."""
    from kiosk.domain.errors import QueueEmpty
    from kiosk.services import queue

    ctx, engine = context(url)
    queue.change_marker(ctx)  # connected before the clock starts
    called: list[tuple[int, float, bool]] = []
    results.put(("ready", counter, None))
    go.wait()
    stop_at = time.time() + seconds
    empty_after_stop = 0
    try:
        while True:
            try:
                ticket = queue.call_next(ctx, counter)
            except QueueEmpty:
                if time.time() > stop_at:
                    empty_after_stop += 1
                    if empty_after_stop >= 3:  # the kiosks have stopped and the line is empty
                        break
                time.sleep(0.05)
                continue
            held = time.time() < stop_at
            called.append((ticket.id, ticket.called_at.timestamp(), held))
            if held:
                time.sleep(random.uniform(*hold))
            queue.finish(ctx, ticket.id)
    finally:
        engine.dispose()
        results.put(("console", counter, called))


def kiosk(url: str, go, seconds: float, pause: tuple[float, float], results) -> None:
    from kiosk.services import checkin

    ctx, engine = context(url)
    checkin.list_services(ctx)
    issued: list[int] = []
    results.put(("ready", os.getpid(), None))
    go.wait()
    stop_at = time.time() + seconds
    try:
        while time.time() < stop_at:
            result = checkin.check_in(ctx, random.choice(SERVICES), language=random.choice(LANGUAGES))
            issued.append(result.ticket.id)
            time.sleep(random.uniform(*pause))
    finally:
        engine.dispose()
        results.put(("kiosk", os.getpid(), issued))


def display(url: str, stop, results) -> None:
    """The now-serving window offscreen; for every call it announced, seconds from the call to the screen.
    Ready once it shows the queue (calls made before that are not news to it); runs until ``stop``."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.storage.notify import change_feed_for
    from kiosk.ui.stations.display import DisplayWindow

    app = QApplication([])
    ctx, engine = context(url)
    feed = change_feed_for(engine)
    window = DisplayWindow(language="en")
    window.resize(1280, 720)
    window.show()
    lags: dict[tuple, float] = {}

    def updated(_state, fresh) -> None:
        shown = time.time()
        if not lags.get("ready"):
            lags["ready"] = 1.0
            results.put(("ready", os.getpid(), None))
        for call in fresh:
            lags.setdefault(call.key, shown - call.called_at.timestamp())

    window.updated.connect(updated)
    window.listen(feed)
    feed.wait_connected(30)
    window.attach(ctx)
    watch = QTimer(interval=100)
    watch.timeout.connect(lambda: stop.is_set() and app.quit())
    watch.start()
    app.exec()
    window.stop()
    window.runner.wait(5000)
    engine.dispose()
    lags.pop("ready", None)
    results.put(("display", os.getpid(), [(key[0], lag) for key, lag in lags.items()]))


@dataclass
class LoadReport:
    seconds: float
    prefilled: set[int]
    issued: list[int] = field(default_factory=list)
    # (ticket id, called at, whether the visitor stayed at the counter a moment: the drain at the end
    # calls and serves at once, too fast for any screen)
    calls: list[tuple[int, float, bool]] = field(default_factory=list)
    lags: list[list[tuple[int, float]]] = field(default_factory=list)  # per display
    elapsed: float = 0.0

    @property
    def called_ids(self) -> list[int]:
        return [call[0] for call in self.calls]

    @property
    def shown_calls(self) -> int:
        return sum(1 for call in self.calls if call[2])

    def lag_percentiles(self) -> tuple[float, float, float]:
        values = sorted(lag for display_lags in self.lags for _, lag in display_lags)
        if not values:
            return (float("nan"),) * 3
        q = statistics.quantiles(values, n=100, method="inclusive")
        return q[49], q[94], values[-1]


def run_load(
    url: str,
    seconds: float,
    consoles: int = 8,
    kiosks: int = 4,
    displays: int = 2,
    prefill: int = 40,
    hold: tuple[float, float] = (0.2, 0.6),
    pause: tuple[float, float] = (0.1, 0.3),
) -> LoadReport:
    from kiosk.services import checkin
    from tests.integration.workers import context as open_context

    ctx, engine = open_context(url)
    try:
        prefilled = {checkin.check_in(ctx, SERVICES[i % len(SERVICES)]).ticket.id for i in range(prefill)}
    finally:
        engine.dispose()
    # Stations start from a server process that has imported the program once: fourteen fresh
    # interpreters importing Qt and SQLAlchemy would take longer than the test itself on two cores.
    spawn = multiprocessing.get_context("forkserver")
    spawn.set_forkserver_preload(["tests.integration.queue_load", *PRELOAD])
    go, stop = spawn.Event(), spawn.Event()
    results = spawn.Queue()
    processes = [
        spawn.Process(target=console, args=(url, str(n + 1), go, seconds, hold, results))
        for n in range(consoles)
    ]
    processes += [spawn.Process(target=kiosk, args=(url, go, seconds, pause, results)) for _ in range(kiosks)]
    processes += [spawn.Process(target=display, args=(url, stop, results)) for _ in range(displays)]
    for process in processes:
        process.start()
    # Every station connects first: the clock starts when all are ready.
    for _ in processes:
        kind, who, _data = results.get(timeout=120)
        assert kind == "ready", (kind, who)
    report = LoadReport(seconds=seconds, prefilled=prefilled)
    started = time.perf_counter()
    go.set()
    for _ in range(consoles + kiosks):
        kind, _who, data = results.get(timeout=seconds + 120)
        if kind == "console":
            report.calls.extend(data)
        else:
            report.issued.extend(data)
    report.elapsed = time.perf_counter() - started
    time.sleep(1.0)  # the displays see the last calls of the drain too
    stop.set()
    for _ in range(displays):
        kind, _who, data = results.get(timeout=60)
        report.lags.append(data)
    for process in processes:
        process.join(30)
    return report
