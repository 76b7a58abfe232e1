"""Visitors scripted through the real kiosk window, offscreen, on a throwaway database.

`kiosk self-test` checks in visitors and prints their tickets to PDF: the installed program (or the
PyInstaller bundle in CI) proves that Qt, the fonts, the translations, the migrations, the database and
the receipt printing all work together. tests/benchmarks/soak.py runs thousands of visits through
``KioskVisitors`` and watches the process's memory.

Each visit goes the way a visitor's does, through the buttons' own signals: a language, a service, a
first name (or skip), the ticket, then the end of the visit, by "Done" or by the idle reset after its
warning.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

NAMES = {"en": "Sam", "es": "Ana", "vi": "Lan", "zh_Hant": "慧玲", "ru": "Ольга"}
WAIT_S = 20.0


class SelfTestError(RuntimeError):
    pass


def process_events(condition: Callable[[], bool] | None = None, timeout_s: float = WAIT_S) -> None:
    """Run Qt's events (background results land) until ``condition`` holds.

    As the event loop does between events, widgets given to deleteLater() are deleted too:
    processEvents() alone leaves them, and a script-driven kiosk would pile up hidden widgets (the
    on-screen keyboard's keys are rebuilt each visit) that a running kiosk never has.
    """
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    def turn() -> None:
        QApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    deadline = time.monotonic() + timeout_s
    turn()
    while condition is not None and not condition():
        if time.monotonic() > deadline:
            raise SelfTestError("the kiosk did not get there in time")
        turn()
        time.sleep(0.001)


@dataclass
class KioskVisitors:
    """Drives one KioskWindow; ``visit(i)`` is the i-th visitor, languages and services in turn."""

    window: object
    tickets: list[str] = field(default_factory=list)

    def ready(self) -> None:
        process_events(lambda: self.window.ctx is not None and bool(self.window.services.services))

    def visit(self, index: int, keep_ticket: bool = False) -> str:
        from kiosk.i18n import LANGUAGE_CODES
        from kiosk.ui.flow import Step

        window = self.window
        language = LANGUAGE_CODES[index % len(LANGUAGE_CODES)]
        window.welcome.language_buttons[language].click()
        buttons = window.services.buttons
        buttons[index % len(buttons)].click()
        if index % 3 == 2:
            window.name_screen.skip_button.click()
        else:
            window.name_screen.field.setText(NAMES[language])
            window.name_screen.submit_button.click()
        process_events(lambda: window.flow.step == Step.TICKET)
        number = window.ticket.number.text()
        if keep_ticket:
            self.tickets.append(number)
        if index % 2:
            window.ticket.done_button.click()
        else:
            self.idle_reset()
        if window.flow.step != Step.WELCOME:
            raise SelfTestError(f"visit {index} did not end on the welcome screen")
        process_events()
        return number

    def idle_reset(self) -> None:
        """The visitor walked away: the warning comes, counts down, and clears the visit (the watcher's
        own timers, fired at once rather than waited for)."""
        idle = self.window.idle
        idle._start_warning()
        while idle.warning:
            idle._count()


def serve_all(ctx, counter: str = "1") -> int:
    """Reception calls and serves everyone waiting, as the day goes on (keeps the queue short)."""
    from kiosk.domain.errors import QueueEmpty
    from kiosk.services import queue

    served = 0
    while True:
        try:
            ticket = queue.call_next(ctx, counter)
        except QueueEmpty:
            return served
        queue.finish(ctx, ticket.id)
        served += 1


def open_kiosk(data_dir: Path, pdf_dir: Path | None = None, app=None):
    """(app, window, settings) for a kiosk on a fresh database in ``data_dir``, printing to ``pdf_dir``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.app import _kiosk_window, _qt_application, build_backend, wire_printing
    from kiosk.settings import load_settings

    app = app or _qt_application([])
    settings = load_settings(
        path=data_dir / "absent-settings.toml",
        environ={},
        data_dir=str(data_dir),
        printer=f"pdf:{pdf_dir}" if pdf_dir else "none",
    )
    window = _kiosk_window(settings)
    window.resize(1280, 900)
    window.show()
    backend = build_backend(settings)
    window.attach(backend.ctx)
    if pdf_dir is not None:
        pdf_dir.mkdir(parents=True, exist_ok=True)
        wire_printing(window, settings)
    return app, window, backend


def run(visits: int, data_dir: Path, pdf_dir: Path | None, write=print) -> int:
    """Check in ``visits`` visitors; with ``pdf_dir`` each ticket is printed there and read back."""
    from PySide6.QtCore import QThreadPool

    _app, window, backend = open_kiosk(data_dir, pdf_dir)
    try:
        visitors = KioskVisitors(window)
        visitors.ready()
        for index in range(visits):
            number = visitors.visit(index, keep_ticket=True)
            write(f"visitor {index + 1}: ticket {number}")
        if pdf_dir is not None:
            process_events(lambda: len(list(pdf_dir.glob("*.pdf"))) >= visits)
            for pdf in sorted(pdf_dir.glob("*.pdf")):
                data = pdf.read_bytes()
                if not data.startswith(b"%PDF") or len(data) < 1000:
                    raise SelfTestError(f"{pdf} is not a printed receipt")
                write(f"printed {pdf.name} ({len(data)} bytes)")
            _check_receipts_read_back(pdf_dir, visitors.tickets, write)
        from kiosk.services import queue

        waiting = {entry.ticket.number for entry in queue.snapshot(backend.ctx).waiting}
        if not set(visitors.tickets) <= waiting:
            raise SelfTestError(f"tickets {visitors.tickets} are not all in the queue ({sorted(waiting)})")
    finally:
        window.close()
        QThreadPool.globalInstance().waitForDone(10_000)
        backend.dispose()
    write(f"self-test passed: {visits} visitor(s) checked in" + (", tickets printed" if pdf_dir else ""))
    return 0


def _check_receipts_read_back(pdf_dir: Path, numbers: list[str], write) -> None:
    """Each ticket's number is on a page: the PDF is rendered by pdfium, as thermal printing does."""
    import pypdfium2

    texts = []
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            texts.append("".join(page.get_textpage().get_text_range() for page in document))
        finally:
            document.close()
    for number in numbers:
        if not any(number in text for text in texts):
            raise SelfTestError(f"no printed receipt shows ticket {number}")
    write(f"read back {len(numbers)} ticket number(s) from the receipts with pdfium")
