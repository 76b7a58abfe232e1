"""A staff station opens only after sign-in; its actions carry the signed-in name; log out and the
idle sign-out bring the sign-in back."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from kiosk.domain.staff import Role
from kiosk.services import audit, checkin, staff
from kiosk.ui.stations.reception import ReceptionConsole
from kiosk.ui.stations.session import StaffSession

PIN = "402917"


def _click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _sign_in(qtbot, dialog, username, secret):
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.secret, secret)
    _click(qtbot, dialog.sign_in_button)


def _station(qtbot, sqlite_backend, language="en"):
    console = ReceptionConsole(counters=("1", "2"), language=language, poll_interval_ms=100)
    qtbot.addWidget(console)
    session = StaffSession(console, (Role.RECEPTION,), station="desk-pc-1", language=language)
    session.start()
    session.attach(sqlite_backend.ctx)
    return console, session


def test_the_console_opens_after_sign_in_and_acts_under_that_name(qtbot, sqlite_backend):
    ctx = sqlite_backend.ctx
    staff.add_user(ctx, "maria", Role.RECEPTION, PIN, "María")
    staff.add_user(ctx, "guard", Role.SECURITY, PIN)
    checkin.check_in(ctx, "information", "Ana")
    console, session = _station(qtbot, sqlite_backend)
    dialog = session.dialog
    assert dialog.isVisible() and not console.isVisible()

    _sign_in(qtbot, dialog, "maria", "111111")
    qtbot.waitUntil(lambda: "not right" in dialog.message.text(), timeout=5000)
    assert dialog.secret.text() == ""  # a wrong PIN is not left on screen
    dialog.username.clear()
    _sign_in(qtbot, dialog, "guard", PIN)  # security staff do not run the queue
    qtbot.waitUntil(lambda: "administrator" in dialog.message.text(), timeout=5000)
    assert not console.isVisible()

    dialog.username.clear()
    _sign_in(qtbot, dialog, "maria", PIN)
    qtbot.waitUntil(console.isVisible, timeout=5000)
    assert session.who.text() == "Signed in: María (Reception)"
    qtbot.waitUntil(lambda: console.snapshot is not None and bool(console.snapshot.waiting), timeout=5000)
    _click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.snapshot is not None and not console.snapshot.waiting, timeout=5000)
    entries = audit.entries(ctx, ctx.now() - timedelta(hours=1), ctx.now() + timedelta(hours=1))
    calls = [e for e in entries if e.action == "queue.call"]
    assert [(e.actor, e.station) for e in calls] == [("maria", "desk-pc-1")]

    _click(qtbot, session.sign_out_button)
    assert not console.isVisible()
    assert session.dialog is not None and session.dialog.isVisible()
    session.dialog.reject = lambda: None  # the test's own teardown must not quit the application


def test_a_station_left_alone_signs_its_user_out(qtbot, sqlite_backend):
    staff.add_user(sqlite_backend.ctx, "maria", Role.RECEPTION, PIN)
    console, session = _station(qtbot, sqlite_backend)
    session.idle_ms = 300
    _sign_in(qtbot, session.dialog, "maria", PIN)
    qtbot.waitUntil(console.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: not console.isVisible(), timeout=3000)
    assert session.user is None and session.dialog.isVisible()


def test_the_sign_in_speaks_the_staff_language_and_says_when_no_account_exists(qtbot, sqlite_backend):
    console, session = _station(qtbot, sqlite_backend, language="vi")
    dialog = session.dialog
    assert dialog.sign_in_button.text() == "Đăng nhập"
    qtbot.waitUntil(lambda: "kiosk users add NAME --role admin" in dialog.message.text(), timeout=5000)
    assert dialog.message.text().startswith("Chưa có tài khoản nhân viên nào")


def test_reports_and_rules_are_for_administrators(qtbot, sqlite_backend):
    staff.add_user(sqlite_backend.ctx, "maria", Role.RECEPTION, PIN)
    staff.add_user(sqlite_backend.ctx, "boss", Role.ADMIN, "quarterly figures")
    console, session = _station(qtbot, sqlite_backend)
    reports = console.tabs.indexOf(console.reports_panel)
    _sign_in(qtbot, session.dialog, "maria", PIN)
    qtbot.waitUntil(console.isVisible, timeout=5000)
    assert not console.tabs.isTabVisible(reports)
    assert not console.rules_panel.admin_group.isEnabled()
    _click(qtbot, session.sign_out_button)
    _sign_in(qtbot, session.dialog, "boss", "quarterly figures")
    qtbot.waitUntil(console.isVisible, timeout=5000)
    assert console.tabs.isTabVisible(reports)
    assert console.rules_panel.admin_group.isEnabled()
    session.dialog = None


def test_the_security_desk_opens_for_security_staff_and_logs_who_signed_a_visitor_in(qtbot, sqlite_backend):
    from kiosk.services import visitors
    from kiosk.ui.stations.security_desk import SecurityDesk

    ctx = sqlite_backend.ctx
    staff.add_user(ctx, "maria", Role.RECEPTION, PIN)
    staff.add_user(ctx, "omar", Role.SECURITY, "715290")
    desk = SecurityDesk(language="en", poll_interval_ms=100, station="lobby-desk")
    qtbot.addWidget(desk)
    session = StaffSession(desk, (Role.SECURITY,), station="lobby-desk")
    session.start()
    session.attach(ctx)
    _sign_in(qtbot, session.dialog, "maria", PIN)
    qtbot.waitUntil(lambda: "administrator" in session.dialog.message.text(), timeout=5000)
    assert not desk.isVisible()
    session.dialog.username.clear()
    _sign_in(qtbot, session.dialog, "omar", "715290")
    qtbot.waitUntil(desk.isVisible, timeout=5000)
    assert desk.ctx.actor == "omar"
    visit = visitors.sign_in(desk.ctx, name="Ada Byron", host="Revenue Division")
    entries = audit.entries(ctx, ctx.now() - timedelta(hours=1), ctx.now() + timedelta(hours=1))
    signed = [e for e in entries if e.action.startswith("visitor.")]
    assert [(e.actor, e.station, e.subject) for e in signed] == [("omar", "lobby-desk", visit.badge)]
    assert "Ada" not in signed[0].detail
    session.dialog = None
