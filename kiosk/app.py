"""Composition root: settings in, adapters built, services wired."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.settings import Settings

if TYPE_CHECKING:
    # The services are imported on the worker that opens the database, not on the way to the
    # first frame.
    from kiosk.services.context import ServiceContext
    from kiosk.services.ports import Clock

log = logging.getLogger(__name__)


@dataclass
class Backend:
    ctx: ServiceContext
    engine: object
    # Held open while the station runs, so that `kiosk db restore` sees it (kiosk/storage/backup.py).
    presence: object | None = None

    def dispose(self) -> None:
        if self.presence is not None:
            self.presence.close()
        self.engine.dispose()


def room_hours(settings: Settings):
    from datetime import time

    from kiosk.domain.rooms import RoomHours

    opens, closes = (time.fromisoformat(value) for value in (settings.rooms_open, settings.rooms_close))
    return RoomHours(
        opens=opens,
        closes=closes,
        slot_minutes=settings.room_slot_minutes,
        grace_minutes=settings.room_grace_minutes,
    )


def open311_client(settings: Settings):
    """The central service's client, or None when none is configured (requests then wait in the outbox)."""
    if not settings.open311_base_url:
        return None
    from kiosk.open311.client import HttpOpen311Client
    from kiosk.open311.keys import api_key_from

    return HttpOpen311Client(
        settings.open311_base_url,
        api_key_from(settings.open311_api_key),
        jurisdiction_id=settings.open311_jurisdiction_id,
    )


def station_name(settings: Settings) -> str:
    import socket

    return settings.station_name or socket.gethostname()


def start_sync(settings: Settings, backend: Backend):
    """The outbox's worker thread, or None without a central service. Never on the UI thread."""
    from kiosk.open311.keys import ApiKeyError

    try:
        client = open311_client(settings)
    except ApiKeyError as exc:
        log.error("Requests are kept, not sent: %s", exc)
        return None
    if client is None:
        log.info("No central service configured: requests are kept in the outbox")
        return None
    from kiosk.services.sync import SyncWorker

    worker = SyncWorker(
        backend.ctx, client, interval=settings.sync_interval_seconds, device_id=station_name(settings)
    )
    worker.start()
    return worker


def build_backend(settings: Settings, clock: Clock | None = None, seed: bool = True) -> Backend:
    """Open the database, bring it to the newest schema and make sure the services exist."""
    from kiosk.resources import load_queue_services
    from kiosk.services.context import ServiceContext, SystemClock
    from kiosk.services.setup import ensure_queue_services
    from kiosk.storage.database import make_engine
    from kiosk.storage.migrate import upgrade
    from kiosk.storage.unit_of_work import SqlUnitOfWorkFactory

    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    ctx = ServiceContext(
        uow=SqlUnitOfWorkFactory(engine),
        clock=clock or SystemClock(),
        timezone=settings.zone,
        room_hours=room_hours(settings),
    )
    if seed:
        from kiosk.services.rooms import ensure_rooms

        added = ensure_queue_services(ctx, load_queue_services())
        if added:
            log.info("Added %d queue services", added)
        if ensure_rooms(ctx):
            log.info("Added the default discussion rooms")
    from kiosk.storage.backup import StationPresence

    return Backend(ctx=ctx, engine=engine, presence=StationPresence(settings.effective_database_url))


def configure_logging(settings: Settings, verbose: bool = False) -> Path:
    """Logs for staff, in the data directory. Visitor input is never logged."""
    import logging.handlers

    log_dir = settings.data_path / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "kiosk.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.addHandler(handler)
    return path


# -- Qt stations ------------------------------------------------------------------------------
def _qt_application(argv: list[str] | None = None):
    import sys

    from PySide6.QtWidgets import QApplication

    from kiosk.ui.fonts import install_fonts

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("City Kiosk")
    install_fonts(app)
    _install_excepthook()
    return app


def _install_excepthook() -> None:
    """An error in a slot is logged for staff; the visitor's screen carries on and shows no traceback."""
    import sys

    def hook(exc_type, exc, tb) -> None:
        log.critical("Unhandled error", exc_info=(exc_type, exc, tb))

    sys.excepthook = hook


def _connect_when_ready(
    settings: Settings,
    stations: list,
    runner,
    on_ready=None,
    retry_ms: int = 5000,
    logging_verbose: bool | None = None,
    first_paint=None,
) -> None:
    """After the first frame, open the database off the UI thread; the stations fill in when it is ready.

    With logging_verbose set, the log file is configured first, on the same worker: it is not needed to
    show the welcome screen either.
    """
    from PySide6.QtCore import QTimer

    from kiosk.ui.tasks import after_first_paint

    def ready(backend: Backend) -> None:
        for station in stations:
            station.attach(backend.ctx)
        if on_ready:
            on_ready(backend)
        _purge_daily(settings, backend, runner)

    def failed(exc: Exception) -> None:
        log.error("Cannot open the database (%s); retrying in %d s", type(exc).__name__, retry_ms // 1000)
        for station in stations:
            if hasattr(station, "backend_unavailable"):
                station.backend_unavailable()
        QTimer.singleShot(retry_ms, attempt)

    def attempt() -> None:
        runner.submit(lambda: build_backend(settings), ready, failed)

    def start() -> None:
        if logging_verbose is not None:
            runner.submit(lambda: configure_logging(settings, logging_verbose))
        attempt()

    after_first_paint(first_paint or stations[0], start)


PURGE_INTERVAL_MS = 24 * 3600 * 1000


def retention_of(settings: Settings):
    from kiosk.services.privacy import Retention

    return Retention(
        visitor_log_days=settings.retention_visitor_log_days,
        ticket_names_days=settings.retention_ticket_names_days,
        request_personal_days=settings.retention_request_personal_days,
        audit_days=settings.retention_audit_days,
        feedback_comment_days=settings.retention_feedback_comment_days,
    )


def _purge_daily(settings: Settings, backend: Backend, runner) -> None:
    """Personal data past its retention goes at start and every day after, off the UI thread."""
    from PySide6.QtCore import QTimer

    from kiosk.services.privacy import purge

    retention = retention_of(settings)

    def run() -> None:
        runner.submit(
            lambda: purge(backend.ctx, retention),
            None,
            lambda exc: log.error("Retention purge failed: %s", type(exc).__name__),
        )

    timer = QTimer(runner, interval=PURGE_INTERVAL_MS)
    timer.timeout.connect(run)
    timer.start()
    run()


def _announce_ready_and_quit(app) -> None:
    """For smoke tests and the start-up benchmark: say when the welcome screen is up, then leave."""
    import sys

    from PySide6.QtCore import QTimer

    def ready() -> None:
        app.processEvents()
        sys.stdout.write("kiosk: ready\n")
        sys.stdout.flush()
        # Queued behind the work the first frame started (opening the database), which then completes
        # before the process leaves: a smoke test sees a migrated database.
        QTimer.singleShot(0, app.quit)

    QTimer.singleShot(0, ready)


def _exec(app) -> int:
    """Run the event loop; on the way out let background work finish before Python shuts down."""
    from PySide6.QtCore import QThreadPool

    code = app.exec()
    QThreadPool.globalInstance().waitForDone(10_000)
    return code


def _speaker():
    """pyttsx3 on Windows (SAPI5) and macOS (NSSS), espeak-ng elsewhere (and where pyttsx3 is missing);
    with neither the kiosk offers no speech button. Both start their engine at the first utterance."""
    import sys

    from kiosk.speech.lazy import ESPEAK, PYTTSX3, LazySpeaker

    if sys.platform in ("win32", "darwin") and LazySpeaker.available(PYTTSX3):
        return LazySpeaker(engine=PYTTSX3)
    if not LazySpeaker.available(ESPEAK):
        log.warning("No speech engine (pyttsx3 or espeak-ng) is installed: the kiosk cannot read aloud")
        return None
    return LazySpeaker(engine=ESPEAK)


def _kiosk_window(settings: Settings):
    from kiosk.ui.kiosk_window import KioskWindow

    window = KioskWindow(
        speaker=_speaker(),
        building_name=settings.building_name,
        building_address=settings.building_address,
        default_language=settings.default_language,
        idle_seconds=settings.idle_seconds,
        idle_warning_seconds=settings.idle_warning_seconds,
        ticket_screen_seconds=settings.ticket_screen_seconds,
        chinese_voice=settings.chinese_voice,
        catalogue_dir=settings.data_path,
    )
    window.feedback_url = settings.feedback_url
    window.visitor_self_sign_in = settings.visitor_self_sign_in
    window.visitor_badge_hours = settings.visitor_badge_hours
    return window


def wire_printing(window, settings: Settings, printer=None):
    """Print a receipt each time the kiosk issues a ticket or books a room, on a printing worker of its own.

    ``printer`` (tests) overrides the ``printer`` setting. Rendering and the printer never run on the UI
    thread; one job at a time, so a slow printer cannot take the threads the database work needs. When
    the printer fails, staff find the reason in the log and the visitor sees their number with a calm
    note on the ticket screen. Returns the printer, or None when there is none.
    """
    from PySide6.QtCore import QThreadPool

    from kiosk.ui.tasks import TaskRunner

    if printer is None:
        if settings.printer.strip().lower() in ("", "none"):
            return None  # the default: nothing to import (reportlab costs a start-up ~60 ms)
        from kiosk.printing.backends import printer_from_spec

        try:
            printer = printer_from_spec(settings.printer)
        except ValueError as exc:
            log.error("Printing is off: the printer setting %r is not usable (%s)", settings.printer, exc)
            return None
    if printer is None:
        return None
    pool = QThreadPool(window)
    pool.setMaxThreadCount(1)
    runner = TaskRunner(window, pool=pool)
    station = station_name(settings)

    def tell_staff(job):
        """Run a print job and record how the printer did, for the console (still on the worker)."""

        def record(ok: bool, message: str = "") -> None:
            from kiosk.services import stations

            if window.ctx is None:
                return
            try:
                stations.report_printer(window.ctx, station, ok=ok, message=message)
            except Exception:  # noqa: BLE001 - the receipt's fate must not depend on the database
                log.warning("Printer state not recorded for staff", exc_info=True)

        def run():
            from kiosk.services.ports import PrinterError

            try:
                result = job()
            except PrinterError as exc:
                record(False, str(exc))
                raise
            record(True)
            return result

        return run

    def print_for_visitor(make_content, showing_it=lambda: None) -> None:
        """Print what ``make_content(language)`` builds, in the visitor's language and print size; if it
        fails while ``showing_it()`` still returns the visitor's screen, that screen says so."""
        visit = window.flow.visit
        language, large_print = visit.language, visit.large_print

        def job():
            # reportlab is imported here, on the worker, not on the way to the first frame.
            from kiosk.printing.content import Paper
            from kiosk.printing.jobs import ReceiptPrinting

            content = make_content(language)
            return ReceiptPrinting(printer, Paper(settings.printer_paper)).print_content(
                content, language, large_print
            )

        def failed(_exc: Exception) -> None:
            from kiosk.i18n import use_language

            screen = showing_it()
            if screen is not None:
                with use_language(language):
                    screen.show_printer_problem()

        runner.submit(tell_staff(job), None, failed)

    def issued(result) -> None:
        def content(language: str):
            from kiosk.printing.jobs import ticket_receipt

            receipt = ticket_receipt(result, language, settings.building_name, settings.zone)
            if settings.feedback_url and window.ctx is not None:
                # A phone can rate the visit: the link carries an unguessable token, not the number.
                from dataclasses import replace

                from kiosk.services import feedback

                token = feedback.visit_token(window.ctx, result.ticket.id)
                receipt = replace(receipt, qr_payload=feedback.feedback_link(settings.feedback_url, token))
            return receipt

        print_for_visitor(
            content, lambda: window.ticket if window.ticket and window.ticket.result is result else None
        )

    def booked(booking, room_name: str) -> None:
        def content(_language: str):
            from kiosk.printing.jobs import booking_receipt

            return booking_receipt(booking, room_name, settings.building_name, settings.zone)

        screen = window.room_booked
        print_for_visitor(
            content, lambda: screen if screen is not None and screen.booking is booking else None
        )

    def filed(request) -> None:
        def content(_language: str):
            from kiosk.printing.content import RequestReceipt

            return RequestReceipt(
                reference=request.reference,
                service_name=request.service_name,
                summary=request.description[:300],
                submitted_at=request.created_at,
                building=settings.building_name,
                qr_payload=request.qr_payload,
                timezone=settings.zone,
            )

        screen = window.report_done
        print_for_visitor(
            content, lambda: screen if screen is not None and screen.request is request else None
        )

    def answer(entry, bureau) -> None:
        def content(language: str):
            from datetime import UTC, datetime

            from kiosk.printing.content import InfoSheet

            def pick(texts: dict[str, str] | None) -> str:
                return (texts or {}).get(language) or (texts or {}).get("en", "")

            return InfoSheet(
                title=entry.title(language),
                paragraphs=(entry.summary(language),),
                building=settings.building_name,
                printed_at=datetime.now(UTC),
                bureau=pick(bureau.names) if bureau else "",
                location=pick(bureau.location) if bureau else "",
                hours=pick(bureau.hours) if bureau else "",
                phone=bureau.phone if bureau else "",
                url=entry.url or (bureau.url if bureau else ""),
                timezone=settings.zone,
            )

        print_for_visitor(content)

    window.ticket_issued.connect(issued)
    window.room_booking_made.connect(booked)
    window.request_filed.connect(filed)
    window.answer_print_requested.connect(answer)
    window.printing_available = True
    window.printing_runner = runner
    return printer


def _console(settings: Settings):
    from kiosk.ui.stations.reception import ReceptionConsole

    return ReceptionConsole(
        counters=settings.counters,
        language=settings.staff_language,
        poll_interval_ms=settings.poll_interval_ms,
    )


def _one_kiosk_per_machine(settings: Settings):
    """A lock held while the kiosk runs: a second kiosk on the same data would cover the first one's
    screen and fight over its printer. Returns None (after saying why) when another kiosk holds it."""
    import sys

    from PySide6.QtCore import QLockFile

    settings.data_path.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(settings.data_path / "kiosk.lock"))
    # A lock left by a kiosk that crashed is taken over (Qt checks that its process is gone).
    if not lock.tryLock(200):
        print(
            f"kiosk: another kiosk is already running on this machine ({settings.data_path}); not starting a second",
            file=sys.stderr,
        )
        log.warning("A second kiosk was refused: another one holds %s", settings.data_path / "kiosk.lock")
        return None
    return lock


def run_kiosk(
    settings: Settings, windowed: bool = False, exit_when_ready: bool = False, verbose: bool = False
) -> int:

    from kiosk.ui.tasks import TaskRunner, after_first_paint

    app = _qt_application()
    instance = _one_kiosk_per_machine(settings)
    if instance is None:
        return 1
    window = _kiosk_window(settings)
    window.setWindowTitle(settings.building_name)
    if not windowed:
        from kiosk.ui.lockdown import KioskLockdown

        window.lockdown = KioskLockdown(window, lambda: window.ctx, language=settings.staff_language)
        window.lockdown.exit_granted.connect(lambda _admin: app.quit())
        # The smoke run's own way out (Qt 6 cancels a quit that a window refuses to close for).
        window.lockdown.allow_close = exit_when_ready
    # The printer (and reportlab behind it) is not needed for the first frame.
    after_first_paint(window, lambda: wire_printing(window, settings))
    if windowed:
        window.resize(1280, 900)
        window.show()
    else:
        window.showFullScreen()
    if exit_when_ready:
        _announce_ready_and_quit(app)
    runner = TaskRunner(window)
    _connect_when_ready(
        settings,
        [window],
        runner,
        logging_verbose=verbose,
        on_ready=lambda backend: _with_sync(app, window, runner, settings, backend),
    )
    return _exec(app)


def _with_sync(app, window, runner, settings: Settings, backend: Backend) -> None:
    """Start the outbox's worker (off the UI thread: its HTTP client is not needed for the first frame);
    a visitor's new request wakes it at once."""

    def started(worker) -> None:
        if worker is not None:
            window.request_filed.connect(lambda _request: worker.wake())
            app.aboutToQuit.connect(worker.stop)

    runner.submit(lambda: start_sync(settings, backend), started)


def staff_session(window, settings: Settings, roles):
    """Put a staff station behind a sign-in for ``roles`` (admins may use every station)."""
    from datetime import timedelta

    from kiosk.ui.stations.session import StaffSession

    return StaffSession(
        window,
        roles,
        station=station_name(settings),
        language=settings.staff_language,
        lock_for=timedelta(minutes=settings.staff_lockout_minutes),
        idle_sign_out_minutes=settings.staff_idle_sign_out_minutes,
    )


def run_staff(settings: Settings) -> int:
    from kiosk.domain.staff import Role
    from kiosk.ui.tasks import TaskRunner

    app = _qt_application()
    console = _console(settings)
    console.resize(1400, 860)
    session = staff_session(console, settings, (Role.RECEPTION,))
    session.start()
    _connect_when_ready(settings, [session], TaskRunner(session), first_paint=session.dialog)
    return _exec(app)


def desk_printing(settings: Settings, printer=None):
    """What the security desk prints, on the printer setting; a PDF in the data directory when none works."""
    from kiosk.printing.badges import DeskPrinting
    from kiosk.printing.content import Paper

    if printer is None and settings.printer.strip().lower() not in ("", "none"):
        from kiosk.printing.backends import printer_from_spec

        try:
            printer = printer_from_spec(settings.printer)
        except ValueError as exc:
            log.error("The desk saves PDFs: the printer setting %r is not usable (%s)", settings.printer, exc)
    return DeskPrinting(
        printer=printer,
        fallback_dir=settings.data_path / "printed",
        building=settings.building_name,
        zone=settings.zone,
        # A receipt printer prints badges on its roll; any other takes 4 x 3 in labels.
        paper=Paper.ROLL_80MM if settings.printer_paper == "80mm" else Paper.LETTER,
    )


def security_desk(settings: Settings, printer=None):
    from kiosk.ui.stations.security_desk import SecurityDesk

    return SecurityDesk(
        language=settings.staff_language,
        poll_interval_ms=settings.poll_interval_ms,
        printing=desk_printing(settings, printer),
        badge_hours=settings.visitor_badge_hours,
        station=station_name(settings),
        catalogue_dir=settings.data_path,
    )


def run_security(settings: Settings) -> int:
    from kiosk.domain.staff import Role
    from kiosk.ui.tasks import TaskRunner

    app = _qt_application()
    desk = security_desk(settings)
    desk.resize(1500, 900)
    session = staff_session(desk, settings, (Role.SECURITY,))
    # No sign-out for a desk left alone: with the database gone, the roll call it holds in memory must stay
    # at hand in an evacuation, and signing in again would need the database.
    session.idle_ms = 0
    session.start()
    _connect_when_ready(settings, [session], TaskRunner(session), first_paint=session.dialog)
    return _exec(app)


def run_demo(settings: Settings) -> int:
    """Kiosk and reception console side by side on one SQLite file with a morning's queue.

    Without a central service configured, the demo runs the development Open311 server in this process
    (its own SQLite file in the data directory), so reports made at the kiosk are delivered and shown.
    """
    from dataclasses import replace

    from kiosk.services.demo import seed_demo_queue
    from kiosk.ui.tasks import TaskRunner, after_first_paint

    app = _qt_application()
    if not settings.open311_base_url:
        from kiosk.open311.dev_server import DevServer

        settings.data_path.mkdir(parents=True, exist_ok=True)
        server = DevServer(settings.data_path / "demo-open311.sqlite3").start()
        app.aboutToQuit.connect(server.stop)
        settings = replace(settings, open311_base_url=server.url, open311_api_key=server.api_key)
        print(f"kiosk demo: a development 311 service at {server.url}")
    kiosk = _kiosk_window(settings)
    console = _console(settings)
    after_first_paint(kiosk, lambda: wire_printing(kiosk, settings))
    kiosk.setWindowTitle(f"{settings.building_name} · kiosk")
    screen = app.primaryScreen().availableGeometry()
    half = screen.width() // 2
    kiosk.setGeometry(screen.x(), screen.y() + 30, half, screen.height() - 30)
    console.setGeometry(screen.x() + half, screen.y() + 30, screen.width() - half, screen.height() - 30)
    kiosk.show()
    console.show()
    runner = TaskRunner(console)

    def seeded(backend: Backend) -> None:
        runner.submit(lambda: seed_demo_queue(backend.ctx), lambda _n: console.refresh())
        _with_sync(app, kiosk, runner, settings, backend)

    _connect_when_ready(settings, [kiosk, console], runner, on_ready=seeded)
    return _exec(app)


def run_display(
    settings: Settings, windowed: bool = False, language: str | None = None, sound: bool = True
) -> int:
    """The now-serving display, for a second screen in the waiting area: fullscreen, calls heard."""
    from kiosk.ui.stations.display import DisplayWindow
    from kiosk.ui.tasks import TaskRunner

    app = _qt_application()
    announcer = None
    if sound:
        from kiosk.speech.announcer import ChimeAnnouncer

        announcer = ChimeAnnouncer.with_espeak(chinese=settings.chinese_voice)
        app.aboutToQuit.connect(announcer.close)
    window = DisplayWindow(
        language=language or settings.default_language,
        building_name=settings.building_name,
        announcer=announcer,
        poll_interval_ms=settings.poll_interval_ms,
    )
    if windowed:
        window.resize(1280, 720)
        window.show()
    else:
        window.showFullScreen()

    def listen(backend: Backend) -> None:
        # On PostgreSQL a call at a console on another machine is heard at once (LISTEN/NOTIFY).
        from kiosk.storage.notify import change_feed_for

        feed = change_feed_for(backend.engine)
        if feed is not None:
            window.listen(feed)

    _connect_when_ready(settings, [window], TaskRunner(window), on_ready=listen)
    return _exec(app)
