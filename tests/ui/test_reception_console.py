"""Reception runs the queue from the console, driven through the real widgets."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from PySide6.QtCore import Qt

from kiosk.services import checkin, queue


def click(qtbot, widget) -> None:
    assert widget.isEnabled(), f"{widget.objectName()} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def table_numbers(console) -> list[str]:
    return [console.table.item(row, 1).text() for row in range(console.table.rowCount())]


def test_call_recall_arrive_and_serve(qtbot, make_console, sqlite_backend, clock):
    ctx = sqlite_backend.ctx
    checkin.check_in(ctx, "information", "Ana")
    checkin.check_in(ctx, "permits")
    console = make_console(counter_index=2)
    qtbot.waitUntil(lambda: table_numbers(console) == ["A001", "B001"], timeout=3000)
    assert console.table.item(0, 3).text() == "Ana"
    assert console.waiting_title.text().startswith("Waiting: 2")

    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "A001", timeout=3000)
    assert table_numbers(console) == ["B001"]
    assert console.message.text() == "Called A001 to counter 3."
    assert not console.call_button.isEnabled()  # finish this visitor first

    click(qtbot, console.recall_button)
    qtbot.waitUntil(lambda: "recalled 1 time" in console.current_details.text(), timeout=3000)
    click(qtbot, console.start_button)
    qtbot.waitUntil(lambda: "Being served" in console.current_details.text(), timeout=3000)
    click(qtbot, console.served_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "—", timeout=3000)
    assert queue.snapshot(ctx).served_today == 1
    assert console.call_button.isEnabled()


def test_no_show_and_return_to_queue(qtbot, make_console, sqlite_backend):
    ctx = sqlite_backend.ctx
    checkin.check_in(ctx, "information")
    checkin.check_in(ctx, "payments")
    console = make_console()
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "A001", timeout=3000)
    click(qtbot, console.requeue_button)
    qtbot.waitUntil(lambda: table_numbers(console) == ["A001", "C001"], timeout=3000)
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "A001", timeout=3000)
    click(qtbot, console.no_show_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "—", timeout=3000)
    assert table_numbers(console) == ["C001"]


def test_transfer_to_another_service(qtbot, make_console, sqlite_backend, clock):
    ctx = sqlite_backend.ctx
    first = checkin.check_in(ctx, "information").ticket
    clock.advance(minutes=3)
    checkin.check_in(ctx, "permits")
    console = make_console()
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "A001", timeout=3000)
    console.transfer_box.setCurrentIndex(console.transfer_box.findData("payments"))
    click(qtbot, console.transfer_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "—", timeout=3000)
    assert table_numbers(console) == ["A001", "B001"]  # keeps the number and the place
    assert console.table.item(0, 2).text() == "Payments"
    assert console.message.text() == "Ticket A001 transferred to Payments."
    waiting = queue.snapshot(ctx).waiting
    assert waiting[0].ticket.transferred_from_id == first.id


def test_add_a_walk_in_by_hand(qtbot, make_console):
    console = make_console()
    console.walkin_service.setCurrentIndex(console.walkin_service.findData("parking"))
    qtbot.keyClicks(console.walkin_name, "Sam")
    click(qtbot, console.walkin_button)
    qtbot.waitUntil(lambda: table_numbers(console) == ["D001"], timeout=3000)
    assert console.table.item(0, 3).text() == "Sam"
    assert console.walkin_name.text() == ""
    assert console.message.text() == "Walk-in added: ticket D001."


def test_a_walk_in_keeps_the_language_reception_chose_for_the_display(qtbot, make_console, sqlite_backend):
    console = make_console()
    box = console.walkin_language
    assert [box.itemText(i) for i in range(box.count())] == [
        "English",
        "Español",
        "Tiếng Việt",
        "繁體中文",
        "Русский",
    ]
    assert box.currentData() == "en" and console.walkin_language_label.buddy() is box
    box.setCurrentIndex(box.findData("vi"))
    click(qtbot, console.walkin_button)
    qtbot.waitUntil(lambda: len(table_numbers(console)) == 1, timeout=3000)
    click(qtbot, console.walkin_button)
    qtbot.waitUntil(lambda: len(table_numbers(console)) == 2, timeout=3000)
    with sqlite_backend.ctx.uow() as uow:
        languages = [t.language for t in uow.tickets.waiting()]
    # The choice was for one visitor: the next walk-in is back to English.
    assert languages == ["vi", "en"]
    assert box.currentData() == "en"


def test_two_counters_never_get_the_same_ticket(qtbot, make_console, sqlite_backend):
    ctx = sqlite_backend.ctx
    for _ in range(3):
        checkin.check_in(ctx, "information")
    first, second = make_console(counter_index=0), make_console(counter_index=1)
    click(qtbot, first.call_button)
    click(qtbot, second.call_button)
    qtbot.waitUntil(
        lambda: first.current_number.text() != "—" and second.current_number.text() != "—", timeout=3000
    )
    assert {first.current_number.text(), second.current_number.text()} == {"A001", "A002"}
    qtbot.waitUntil(lambda: second.others.count() == 1, timeout=3000)
    assert second.others.item(0).text().startswith(f"Counter 1:  {first.current_number.text()}")


def test_refusals_are_shown_in_the_staff_language(qtbot, make_console, sqlite_backend):
    console = make_console(language="vi")
    assert console.call_button.text() == "Gọi số tiếp theo"
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.message.text() == "Không có ai đang chờ.", timeout=3000)
    console.language_box.setCurrentIndex(console.language_box.findData("ru"))
    assert console.call_button.text() == "Вызвать следующего"
    assert console.counter_box.currentText() == "Окно 1"


def test_a_check_in_from_another_process_appears_within_a_second(qtbot, make_console, sqlite_backend):
    console = make_console()
    url = str(sqlite_backend.engine.url)
    script = textwrap.dedent(
        f"""
        from kiosk.services import checkin
        from kiosk.services.context import ServiceContext, SystemClock
        from kiosk.storage.database import make_engine
        from kiosk.storage.unit_of_work import SqlUnitOfWorkFactory
        from zoneinfo import ZoneInfo
        ctx = ServiceContext(SqlUnitOfWorkFactory(make_engine({url!r})), SystemClock(), ZoneInfo("America/Los_Angeles"))
        print(checkin.check_in(ctx, "payments", "Remote").ticket.number, flush=True)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    written = time.monotonic()
    assert result.stdout.strip() == "C001"
    qtbot.waitUntil(lambda: table_numbers(console) == ["C001"], timeout=1000)
    assert time.monotonic() - written < 1.0
    assert console.table.item(0, 3).text() == "Remote"


def test_the_console_says_when_the_database_is_unreachable(qtbot, make_console, sqlite_backend):
    from dataclasses import replace

    class Unreachable:
        def __call__(self, *, write=False):
            raise ConnectionError("server closed the connection")

    console = make_console()
    assert console.connection.text() == "Live"
    console.ctx = replace(sqlite_backend.ctx, uow=Unreachable())
    qtbot.waitUntil(lambda: console.connection.text() == "Database unreachable: retrying", timeout=3000)
    console.ctx = sqlite_backend.ctx
    qtbot.waitUntil(lambda: console.connection.text() == "Live", timeout=3000)
