"""A visitor books a discussion room at the kiosk, checks in by code or by scanning, and staff see it."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent

from kiosk.domain.rooms import BookingStatus
from kiosk.services import rooms
from kiosk.ui.flow import Step

NINE = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # the fake clock's 9:00 in Portland
TEN = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_rooms(qtbot, kiosk, language: str = "en") -> None:
    touch(qtbot, kiosk.welcome.language_buttons[language])
    touch(qtbot, kiosk.services.rooms_button)
    assert kiosk.flow.step == Step.ROOMS
    qtbot.waitUntil(lambda: bool(kiosk.rooms.slot_buttons), timeout=5000)


def slot_button(kiosk, room_code: str, starts_at: datetime):
    return next(
        b
        for b in kiosk.rooms.slot_buttons
        if b.slot[0].code == room_code and b.slot[1].starts_at == starts_at
    )


def scan(window, text: str) -> None:
    """What a USB scanner does: key events to the window, a few ms apart, then Enter."""
    keys = [(Qt.Key(ord(ch.upper())) if ch.isalnum() else Qt.Key.Key_unknown, ch) for ch in text]
    for key, char in [*keys, (Qt.Key.Key_Return, "\r")]:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(window, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


def today_bookings(ctx):
    return [b for day in rooms.today(ctx) for b in day.bookings]


def test_a_visitor_books_a_room_for_later_and_gets_a_code(qtbot, kiosk, sqlite_backend):
    open_rooms(qtbot, kiosk, "es")
    cards = [kiosk.rooms.cards.itemAt(i).widget() for i in range(kiosk.rooms.cards.count())]
    assert [c.room_name.text() for c in cards] == ["Discussion Room 1", "Discussion Room 2"]
    assert (
        cards[0].details.text()
        == "Hasta 4 personas · Accesible en silla de ruedas · Bucle de inducción magnética"
    )
    ten = slot_button(kiosk, "room-1", TEN)
    assert ten.text() == "10:00 – 10:30"
    touch(qtbot, ten)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)

    [booking] = today_bookings(sqlite_backend.ctx)
    assert (booking.room_code, booking.starts_at, booking.status) == ("room-1", TEN, BookingStatus.BOOKED)
    screen = kiosk.room_booked
    assert screen.heading.text() == "Su sala está reservada."
    assert screen.room.text() == "Discussion Room 1"
    assert screen.code.text() == " ".join(booking.code)
    assert "10 minutos" in screen.instructions.text()
    touch(qtbot, screen.done_button)
    assert kiosk.flow.step == Step.WELCOME and kiosk.flow.visit.booking is None


def test_a_room_taken_now_is_checked_in_at_once(qtbot, kiosk, sqlite_backend):
    open_rooms(qtbot, kiosk)
    touch(qtbot, slot_button(kiosk, "room-2", NINE))
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
    assert kiosk.room_booked.heading.text() == "You are checked in."
    assert today_bookings(sqlite_backend.ctx)[0].status == BookingStatus.CHECKED_IN


def test_a_time_taken_meanwhile_at_another_station_says_so_and_shows_what_is_free(
    qtbot, kiosk, sqlite_backend
):
    open_rooms(qtbot, kiosk)
    rooms.book(sqlite_backend.ctx, "room-1", TEN, source="reception")  # the console was quicker
    touch(qtbot, slot_button(kiosk, "room-1", TEN))
    qtbot.waitUntil(lambda: kiosk.rooms.error.isVisible(), timeout=5000)
    assert kiosk.rooms.error.text() == "That time has just been taken. Please choose another."
    qtbot.waitUntil(
        lambda: all(
            b.slot[1].starts_at != TEN for b in kiosk.rooms.slot_buttons if b.slot[0].code == "room-1"
        ),
        timeout=5000,
    )
    assert kiosk.flow.step == Step.ROOMS


def test_check_in_by_typing_the_code_on_the_touch_keyboard(qtbot, kiosk, sqlite_backend, clock):
    booking = rooms.book(sqlite_backend.ctx, "room-1", datetime(2026, 11, 25, 17, 30, tzinfo=UTC))
    clock.advance(minutes=20)  # 9:20, ten minutes before the booking
    touch(qtbot, kiosk.welcome.language_buttons["vi"])
    touch(qtbot, kiosk.services.room_check_in_button)
    screen = kiosk.room_check_in
    touch(qtbot, screen.submit_button)  # nothing typed: nothing happens
    assert kiosk.flow.step == Step.ROOM_CHECK_IN
    for char in "ZZZZ":
        touch(qtbot, screen.keyboard.letter_keys[char.lower()])
    touch(qtbot, screen.submit_button)
    qtbot.waitUntil(lambda: screen.error.isVisible(), timeout=5000)
    assert "ZZZZ" in screen.error.text()
    screen.field.clear()
    for char in booking.code:
        touch(qtbot, screen.keyboard.letter_keys[char.lower()])
    assert screen.field.text() == booking.code
    touch(qtbot, screen.submit_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
    assert today_bookings(sqlite_backend.ctx)[0].status == BookingStatus.CHECKED_IN
    qtbot.waitUntil(lambda: kiosk.room_booked.room.text() == "Discussion Room 1", timeout=5000)


def test_scanning_the_booking_qr_code_checks_in_from_the_welcome_screen(qtbot, kiosk, sqlite_backend, clock):
    booking = rooms.book(sqlite_backend.ctx, "room-2", datetime(2026, 11, 25, 17, 30, tzinfo=UTC))
    clock.advance(minutes=25)
    scan(kiosk.windowHandle(), booking.qr_payload)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
    assert today_bookings(sqlite_backend.ctx)[0].status == BookingStatus.CHECKED_IN
    qtbot.waitUntil(lambda: kiosk.room_booked.room.text() == "Discussion Room 2", timeout=5000)


def test_a_scan_does_not_type_into_the_name_field(qtbot, kiosk, sqlite_backend, clock):
    booking = rooms.book(sqlite_backend.ctx, "room-2", datetime(2026, 11, 25, 17, 30, tzinfo=UTC))
    clock.advance(minutes=25)
    touch(qtbot, kiosk.welcome.language_buttons["en"])
    touch(qtbot, next(b for b in kiosk.services.buttons if b.key == "information"))
    kiosk.name_screen.field.setFocus()
    scan(kiosk.windowHandle(), booking.qr_payload)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
    # At most the first character reaches the field, before the run is known to be a scan; and the
    # field is cleared with the rest of the visit.
    assert kiosk.name_screen.field.text() in ("", "K")


def test_a_person_typing_the_same_letters_slowly_is_not_a_scan(qtbot, kiosk):
    touch(qtbot, kiosk.welcome.language_buttons["en"])
    touch(qtbot, next(b for b in kiosk.services.buttons if b.key == "information"))
    kiosk.name_screen.field.setFocus()
    for char in "KIOSK":
        qtbot.wait(80)
        QCoreApplication.sendEvent(
            kiosk.windowHandle(),
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key(ord(char)), Qt.KeyboardModifier.NoModifier, char),
        )
    assert kiosk.name_screen.field.text() == "KIOSK"
