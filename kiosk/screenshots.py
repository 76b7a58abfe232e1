"""Render any named screen to PNG offscreen, in any language and in large print.

Each screen is reached the way a visitor or receptionist reaches it, on a throwaway database with
demo data, so the picture shows what a person would see.
"""

from __future__ import annotations

import os
import tempfile
import time
import time as time_module
from collections.abc import Callable
from pathlib import Path

SCREENS: dict[str, str] = {
    "welcome": "Visitor kiosk: choose a language",
    "services": "Visitor kiosk: what did you come for",
    "name": "Visitor kiosk: optional first name",
    "name-typing": "Visitor kiosk: a name being typed (in Chinese: a character being composed)",
    "name-error": "Visitor kiosk: first name refused (too long)",
    "ticket": "Visitor kiosk: the ticket with place in line and wait",
    "idle-warning": "Visitor kiosk: 'do you need more time?' before the idle reset",
    "rooms": "Visitor kiosk: book a discussion room (free times today)",
    "room-booked": "Visitor kiosk: a room booked, with its code",
    "room-check-in": "Visitor kiosk: check in for a room with its code",
    "lookup": "Visitor kiosk: find city information (search results for 'permit')",
    "answer": "Visitor kiosk: an answer, with who handles it and its web page as a QR code",
    "report": "Visitor kiosk: report a problem or make a request (the 311 catalogue)",
    "report-form": "Visitor kiosk: a request's form, built from its Open311 definition",
    "report-review": "Visitor kiosk: review a request before sending",
    "report-done": "Visitor kiosk: a request saved, with its reference",
    "request-status": "Visitor kiosk: check on a request by its reference",
    "feedback": "Visitor kiosk: rate your visit (scan the ticket or type its number)",
    "feedback-rate": "Visitor kiosk: rate your visit (five faces and a comment)",
    "feedback-thanks": "Visitor kiosk: thanks for the rating",
    "console": "Reception console with a queue and a called ticket",
    "console-requests": "Reception console: the requests tab (the outbox)",
    "console-rooms": "Reception console: the discussion rooms tab",
    "console-reports": "Reception console: the reports tab (today's figures and charts)",
    "display": "Now-serving display (second screen): calls, recent calls, waiting and estimated waits",
    "welcome-visitors": "Visitor kiosk: welcome with 'Sign in as a visitor' (visitor_self_sign_in on)",
    "visitor-sign-in": "Visitor kiosk: a visitor signs in for the offices (name, whom, why)",
    "visitor-signed-in": "Visitor kiosk: signed in, collect the badge at the security desk",
    "security-desk": "Security desk: sign-in form, who is in the building now (an expired badge flagged)",
}
KIOSK_SIZE = (1920, 1080)
CONSOLE_SIZE = (1600, 900)


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get ready in time")
        QApplication.processEvents()
        time.sleep(0.005)
    for _ in range(5):
        QApplication.processEvents()


def _settle() -> None:
    """Let pending layout, style and background results land before the picture is taken."""
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QThreadPool.globalInstance().waitForDone(5_000)
        QApplication.processEvents()


def render(
    screen: str,
    language: str,
    output: Path,
    large_print: bool = False,
    size: tuple[int, int] | None = None,
    high_contrast: bool = False,
) -> Path:
    if screen not in SCREENS:
        raise KeyError(screen)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QThreadPool

    from kiosk.app import _qt_application, build_backend
    from kiosk.services.demo import seed_demo_queue
    from kiosk.settings import load_settings

    app = _qt_application([])
    with tempfile.TemporaryDirectory(prefix="kiosk-shot-") as tmp:
        settings = load_settings(
            path=Path(tmp) / "absent.toml",
            environ={},
            data_dir=tmp,
            default_language=language,
            staff_language=language,
        )
        # A morning in the building, whenever the picture is taken: rooms have free times.
        backend = build_backend(settings, clock=_MorningClock(settings.zone))
        seed_demo_queue(backend.ctx)
        _seed_rooms(backend.ctx)
        _seed_requests(backend.ctx, Path(tmp))
        try:
            widget = (
                _console(backend, settings, language, tab=screen.removeprefix("console").strip("-"))
                if screen.startswith("console")
                else _display(backend, settings, language)
                if screen == "display"
                else _security(backend, settings, language)
                if screen == "security-desk"
                else _kiosk(backend, settings, screen, language, large_print, high_contrast)
            )
            width, height = size or (
                CONSOLE_SIZE if screen.startswith(("console", "security")) else KIOSK_SIZE
            )
            widget.resize(width, height)
            _settle()
            output.parent.mkdir(parents=True, exist_ok=True)
            if not widget.grab().save(str(output)):
                raise OSError(f"could not write {output}")
            widget.close()
            _settle()
            widget.deleteLater()
            app.processEvents()
        finally:
            # Polls may still be running on the pool: let them finish before the database goes.
            QThreadPool.globalInstance().waitForDone(10_000)
            backend.dispose()
    return output


def _kiosk(backend, settings, screen: str, language: str, large_print: bool, high_contrast: bool = False):
    from kiosk.app import _speaker
    from kiosk.ui.flow import Step
    from kiosk.ui.kiosk_window import KioskWindow

    # With the speech engine when it is installed, as a real kiosk shows its "Read aloud" switch.
    window = KioskWindow(building_name=settings.building_name, default_language=language, speaker=_speaker())
    window.resize(*KIOSK_SIZE)
    window.show()
    window.attach(backend.ctx)
    _wait(lambda: bool(window.services.services))
    if large_print:
        window.toggle_large_print()
    if high_contrast:
        window.toggle_high_contrast()
    window.welcome.add_search()  # as the running kiosk does right after its first frame
    if screen == "welcome":
        return window
    if screen.startswith("feedback"):
        return _feedback(window, screen)
    if screen == "welcome-visitors":
        window.visitor_steps.enable(True)
        return window
    window.choose_language(language)
    if screen.startswith("visitor-"):
        steps = window.visitor_steps
        steps.enable(True)
        steps.start()
        _wait(lambda: bool(steps.form.host_buttons))
        if screen == "visitor-signed-in":
            steps.form.name_field.setText(_VISITOR_NAMES.get(language, "Maria Lopez"))
            steps.form.choose_host(steps.form.hosts[0])
            steps.form.submit_button.click()
            _wait(lambda: window.flow.step == Step.VISITOR_SIGNED_IN)
        else:
            steps.form.keyboard.type("M")
        return window
    if screen in ("lookup", "answer"):
        window.choose_lookup()
        window.lookup.field.setText(
            {"zh_Hant": "許可證", "ru": "разрешение", "vi": "giấy phép"}.get(language, "permit")
        )
        _wait(lambda: bool(window.lookup.result_buttons))
        if screen == "answer":
            permit = (
                next(b for b in window.lookup.result_buttons if b.key == "apply-building-permit")
                if any(b.key == "apply-building-permit" for b in window.lookup.result_buttons)
                else window.lookup.result_buttons[0]
            )
            permit.click()
        return window
    if screen.startswith("report"):
        window.choose_report()
        _wait(lambda: bool(window.report.buttons))
        if screen == "report":
            return window
        code = next(o.service.code for o in window.report.offered if len(o.definition.attributes) >= 3)
        window.choose_report_service(code)
        for box in window.report_form.boxes:
            if box.choices:
                box.choices[0].click()
        if screen == "report-form":
            return window
        window.review_report()
        if screen == "report-review":
            return window
        window.send_report()
        _wait(lambda: window.report_done.request is not None)
        return window
    if screen == "request-status":
        window.choose_request_status()
        from kiosk.services import requests

        filed = requests.outbox(window.ctx)[0]
        window.check_request(filed.reference)
        _wait(lambda: window.request_status.card.isVisible())
        return window
    if screen in ("rooms", "room-booked"):
        window.choose_rooms()
        _wait(lambda: bool(window.rooms.slot_buttons))
        if screen == "room-booked":
            window.rooms.slot_buttons[-1].click()
            _wait(lambda: window.room_booked.booking is not None)
        return window
    if screen == "room-check-in":
        window.choose_room_check_in()
        for key in "K7R":
            window.room_check_in.keyboard.type(key)
        return window
    if screen in ("services", "idle-warning"):
        if screen == "idle-warning":
            window.idle._start_warning()
        return window
    window.choose_service("permits")
    if screen == "name":
        return window
    if screen == "name-typing":
        keyboard = window.name_screen.keyboard
        if language == "zh_Hant":
            for letter in "wangwei":
                keyboard.type(letter)
            keyboard.choose("王")  # "wei" stays composed: the bar offers 為, 位, 偉, ...
        else:
            name = {"ru": "Ольга", "vi": "Tuấn", "es": "María"}.get(language, "Maria")
            for letter in name[:-1]:  # someone still typing
                keyboard.type(letter.lower())
        if large_print:
            window.name_screen.show_keyboard()  # where touching the field takes the visitor
        return window
    if screen == "name-error":
        window.name_screen.field.setMaxLength(1000)
        window.name_screen.field.setText("M" * 60)
        window.name_screen.submit_button.click()
        _wait(lambda: window.name_screen.error.isVisible())
        return window
    window.name_screen.field.setText("Maria")
    window.name_screen.submit_button.click()
    _wait(lambda: window.flow.step == Step.TICKET)
    return window


def _console(backend, settings, language: str, tab: str = ""):
    from kiosk.ui.stations.reception import ReceptionConsole

    console = ReceptionConsole(counters=settings.counters, language=language)
    console.resize(*CONSOLE_SIZE)
    console.show()
    console.counter_box.setCurrentIndex(1)
    console.attach(backend.ctx)
    _wait(lambda: console.snapshot is not None)
    if tab == "rooms":
        console.tabs.setCurrentWidget(console.rooms_panel)
        _wait(lambda: console.rooms_panel.bookings_table.rowCount() > 0)
    if tab == "reports":
        console.tabs.setCurrentWidget(console.reports_panel)
        _wait(lambda: console.reports_panel.report is not None and not console.reports_panel.busy)
    if tab == "requests":
        console.tabs.setCurrentWidget(console.outbox_panel)
        _wait(lambda: console.outbox_panel.table.rowCount() > 0)
    return console


_VISITOR_NAMES = {"zh_Hant": "陳美玲", "ru": "Ольга Смирнова", "vi": "Nguyễn Văn Minh", "es": "María López"}


def _security(backend, settings, language: str):
    """Four visitors inside, one of them signed in at the kiosk and one whose badge has run out."""
    from dataclasses import replace
    from datetime import timedelta

    from kiosk.domain.visitors import VisitSource
    from kiosk.services import visitors
    from kiosk.ui.stations.security_desk import SecurityDesk

    ctx = backend.ctx

    class _Earlier:
        def now(self):
            return ctx.now() - timedelta(hours=3)

    visitors.sign_in(
        replace(ctx, clock=_Earlier()),
        name="Daniel Okafor",
        host="Portland Water Bureau",
        organisation="Okafor Plumbing",
        purpose="Permit meeting",
        id_checked=True,
        badge_hours=2,
    )
    visitors.sign_in(
        ctx,
        name=_VISITOR_NAMES.get(language, "Maria Lopez"),
        host="Bureau of Development Services",
        organisation="Acme Construction & Engineering LLC",
        purpose="Plan review",
        id_checked=True,
    )
    visitors.sign_in(ctx, name="陳美玲", host="Portland Housing Bureau", purpose="Appointment")
    visitors.sign_in(
        ctx, name="Nguyễn Văn Minh", host="Office of Community & Civic Life", source=VisitSource.KIOSK
    )
    left = visitors.sign_in(ctx, name="Ольга Смирнова", host="Revenue Division")
    visitors.sign_out(ctx, left.id)
    from kiosk.app import desk_printing

    desk = SecurityDesk(language=language, printing=desk_printing(settings))
    desk.resize(*CONSOLE_SIZE)
    desk.show()
    desk.attach(ctx)
    _wait(lambda: desk.snapshot is not None and desk.host_box.count() > 0)
    desk.name_field.setText("Alex Kim")
    desk.table.selectRow(1)
    return desk


def _display(backend, settings, language: str):
    """Three counters calling (one of them a recall), one visitor at a counter, a line still waiting."""
    from kiosk.services import queue
    from kiosk.ui.stations.display import DisplayWindow

    ctx = backend.ctx
    served = queue.call_next(ctx, "1")
    queue.finish(ctx, served.id)
    queue.start_serving(ctx, queue.call_next(ctx, "4").id)
    window = DisplayWindow(language=language, building_name=settings.building_name)
    window.resize(*KIOSK_SIZE)
    window.show()
    window.attach(ctx)
    _wait(lambda: window.state is not None and window.overview is not None)
    for counter in ("1", "3"):
        queue.call_next(ctx, counter)
    window.refresh()
    waiting = len(queue.snapshot(ctx).waiting)
    _wait(lambda: window.state is not None and len(window.state.calling) >= 3)
    _wait(lambda: window.overview is not None and window.overview.waiting == waiting)
    return window


def _feedback(window, screen: str):
    """A visit served this morning, rated by its number."""
    from kiosk.services import queue
    from kiosk.ui.flow import Step

    window.feedback.start()
    if screen == "feedback":
        for key in "a0":
            window.feedback.find.keyboard.type(key)
        return window
    served = queue.call_next(window.ctx, "3")
    queue.finish(window.ctx, served.id)
    window.feedback.look_up(served.number)
    _wait(lambda: window.flow.step == Step.FEEDBACK_RATE)
    window.feedback.rate.face_buttons[1].click()
    if screen == "feedback-rate":
        return window
    window.feedback.rate.send_button.click()
    _wait(lambda: window.flow.step == Step.FEEDBACK_THANKS)
    return window


def _seed_requests(ctx, folder: Path) -> None:
    """The development 311 service's catalogue, two requests sent, one refused, one waiting."""
    from kiosk.open311.client import HttpOpen311Client
    from kiosk.open311.dev_server import DevServer
    from kiosk.services import requests, sync

    with DevServer(folder / "open311.sqlite3") as server:
        client = HttpOpen311Client(server.url, server.api_key, timeout=5)
        sync.refresh_catalogue(ctx, client)
        offered = {o.service.code: o for o in requests.offered(ctx)}
        simple = next(
            code for code, o in offered.items() if not any(a.required for a in o.definition.attributes)
        )
        for words in ("Broken street light at the corner", "Overflowing public trash can"):
            requests.submit(ctx, requests.Draft(simple, {}, description=words), "en", "1120 SW 5th Ave")
        sync.sync_once(ctx, client)
        server.faults.script("create", ["400"])
        requests.submit(ctx, requests.Draft(simple, {}, address="Nowhere 1"), "es", "")
        sync.sync_once(ctx, client)
        client.close()
    requests.submit(ctx, requests.Draft(simple, {}, description="Tags on the wall"), "vi", "1120 SW 5th Ave")


class _MorningClock:
    """9:40 in the building today: the demo queue and the room bookings make sense at that hour."""

    def __init__(self, zone) -> None:
        from datetime import UTC, datetime, time

        local = datetime.combine(datetime.now(zone).date(), time(9, 40), tzinfo=zone)
        self.start, self.started = local.astimezone(UTC), time_module.monotonic()

    def now(self):
        from datetime import timedelta

        return self.start + timedelta(seconds=time_module.monotonic() - self.started)


def _seed_rooms(ctx) -> None:
    """Two bookings: one in use, one to come."""
    from datetime import timedelta

    from kiosk.services import rooms

    slots = [s.starts_at for s in rooms.today(ctx)[0].free]
    in_use = rooms.book(ctx, "room-1", slots[0], slots=2, name="Ana", source="reception")
    rooms.check_in(ctx, in_use.code)
    rooms.book(ctx, "room-2", slots[0] + timedelta(hours=2), name="Minh")
