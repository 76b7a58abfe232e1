"""Reception runs the discussion rooms from the console, and sees what the kiosk booked."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from kiosk.domain.rooms import BookingStatus
from kiosk.services import rooms
from kiosk.ui.flow import Step

TEN = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # 10:00 in Portland; the fake clock says 9:00
AM = "\u202fAM"  # English times as the CLDR writes them: 10:00 AM with a narrow space


def touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def panel_of(console):
    console.tabs.setCurrentWidget(console.rooms_panel)
    panel = console.rooms_panel
    return panel


def rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def select_booking(panel, code: str) -> None:
    row = next(
        r for r in range(panel.bookings_table.rowCount()) if panel.bookings_table.item(r, 2).text() == code
    )
    panel.bookings_table.selectRow(row)


def test_a_room_booked_at_the_kiosk_appears_on_the_console(qtbot, make_kiosk, make_console, sqlite_backend):
    console = make_console()
    panel = panel_of(console)
    assert console.tabs.tabText(1) == "Rooms"
    qtbot.waitUntil(lambda: panel.state_table.rowCount() == 2, timeout=5000)
    assert rows(panel.state_table)[0] == ["Discussion Room 1", "Free", "Nothing booked"]

    kiosk = make_kiosk()
    touch(qtbot, kiosk.welcome.language_buttons["en"])
    touch(qtbot, kiosk.services.rooms_button)
    qtbot.waitUntil(lambda: bool(kiosk.rooms.slot_buttons), timeout=5000)
    ten = next(
        b for b in kiosk.rooms.slot_buttons if b.slot[0].code == "room-1" and b.slot[1].starts_at == TEN
    )
    touch(qtbot, ten)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
    code = kiosk.room_booked.booking.code

    qtbot.waitUntil(lambda: panel.bookings_table.rowCount() == 1, timeout=5000)
    assert rows(panel.bookings_table) == [
        [f"10:00{AM} to 10:30{AM}", "Discussion Room 1", code, "", "Booked"]
    ]
    assert rows(panel.state_table)[0] == ["Discussion Room 1", "Free", f"10:00{AM} to 10:30{AM}: {code}"]


def test_reception_books_moves_cancels_and_a_second_booking_of_the_slot_is_refused(
    qtbot, make_console, sqlite_backend
):
    console = make_console()
    panel = panel_of(console)
    qtbot.waitUntil(lambda: panel.time_box.count() > 0, timeout=5000)
    panel.room_box.setCurrentIndex(panel.room_box.findData("room-2"))
    panel.time_box.setCurrentIndex(panel.time_box.findData(TEN.isoformat()))
    panel.length_box.setCurrentIndex(panel.length_box.findData(2))
    assert panel.length_box.currentText() == "60 min"
    qtbot.keyClicks(panel.name_field, "Ana")
    touch(qtbot, panel.book_button)
    qtbot.waitUntil(lambda: panel.bookings_table.rowCount() == 1, timeout=5000)
    [booking] = [b for d in rooms.today(sqlite_backend.ctx) for b in d.bookings]
    assert (booking.room_code, booking.starts_at, booking.name, booking.source) == (
        "room-2",
        TEN,
        "Ana",
        "reception",
    )
    assert rows(panel.bookings_table)[0][:4] == [
        f"10:00{AM} to 11:00{AM}",
        "Discussion Room 2",
        booking.code,
        "Ana",
    ]
    assert console.message.text().startswith(f"Room booking {booking.code}: Discussion Room 2")

    # Another station takes room 1 at 10:00 before this console has seen it; reception tries to move there.
    panel.poll_timer.stop()
    rooms.book(sqlite_backend.ctx, "room-1", TEN)
    panel.room_box.setCurrentIndex(panel.room_box.findData("room-1"))
    panel.time_box.setCurrentIndex(panel.time_box.findData(TEN.isoformat()))
    assert panel.chosen_start() == TEN  # still offered: the console has not refreshed
    select_booking(panel, booking.code)
    touch(qtbot, panel.move_button)
    qtbot.waitUntil(lambda: "just been taken" in console.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: panel.bookings_table.rowCount() == 2, timeout=5000)  # refreshed after the refusal
    assert panel.time_box.findData(TEN.isoformat()) == -1
    panel.poll_timer.start()

    # Move it to 11:00 in room 1 instead.
    eleven = TEN.replace(hour=19)
    panel.room_box.setCurrentIndex(panel.room_box.findData("room-1"))
    panel.time_box.setCurrentIndex(panel.time_box.findData(eleven.isoformat()))
    select_booking(panel, booking.code)
    touch(qtbot, panel.move_button)
    qtbot.waitUntil(
        lambda: "Discussion Room 1, 11:00\u202fAM to 12:00\u202fPM" in console.message.text(), timeout=5000
    )

    select_booking(panel, booking.code)
    touch(qtbot, panel.cancel_button)
    qtbot.waitUntil(lambda: console.message.text().endswith("Cancelled."), timeout=5000)
    statuses = {b.code: b.status for d in rooms.today(sqlite_backend.ctx) for b in d.bookings}
    assert statuses[booking.code] == BookingStatus.CANCELLED


def test_check_in_and_release_from_the_console(qtbot, make_console, sqlite_backend, clock):
    booking = rooms.book(sqlite_backend.ctx, "room-1", datetime(2026, 11, 25, 17, 0, tzinfo=UTC))
    console = make_console(language="es")
    panel = panel_of(console)
    qtbot.waitUntil(lambda: panel.bookings_table.rowCount() == 1, timeout=5000)
    select_booking(panel, booking.code)
    assert panel.check_in_button.isEnabled() and panel.check_in_button.text() == "Registrar llegada"
    touch(qtbot, panel.check_in_button)
    qtbot.waitUntil(lambda: rows(panel.state_table)[0][1].startswith("En uso hasta"), timeout=5000)
    select_booking(panel, booking.code)
    touch(qtbot, panel.release_button)
    qtbot.waitUntil(lambda: rows(panel.state_table)[0][1] == "Libre", timeout=5000)
