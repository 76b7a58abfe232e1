"""Priority rules, counters, breaks and quick questions from the console's real widgets, and the
kiosk's "I need an accommodation" toggle."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from kiosk.services import checkin, counters, queue
from kiosk.ui.flow import Step


def click(qtbot, widget) -> None:
    assert widget.isEnabled(), f"{widget.objectName()} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(qtbot, box) -> None:
    """A check box is toggled where its indicator is, at its left edge."""
    assert box.isEnabled(), f"{box.objectName()} is disabled"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def table_numbers(console) -> list[str]:
    return [console.table.item(row, 1).text() for row in range(console.table.rowCount())]


def test_the_rules_change_who_is_called_next(qtbot, make_console, sqlite_backend, clock):
    ctx = sqlite_backend.ctx
    checkin.check_in(ctx, "information")
    clock.advance(minutes=1)
    console = make_console()
    console.walkin_service.setCurrentIndex(console.walkin_service.findData("permits"))
    tick(qtbot, console.walkin_appointment)
    click(qtbot, console.walkin_button)
    qtbot.waitUntil(lambda: table_numbers(console) == ["A001", "B001"], timeout=3000)
    assert not console.walkin_appointment.isChecked()  # one visitor's appointment, not the next's

    console.tabs.setCurrentWidget(console.rules_panel)
    rule = console.rules_panel.rule_boxes["appointments_first"]
    tick(qtbot, rule)
    qtbot.waitUntil(lambda: table_numbers(console) == ["B001", "A001"], timeout=3000)
    assert console.message.text() == "“Appointments first” is on."
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "B001", timeout=3000)
    assert queue.snapshot(ctx).rules.appointments_first

    console.set_admin(False)
    assert not rule.isEnabled() and not console.rules_panel.save_services_button.isEnabled()
    assert console.rules_panel.admin_note.isVisibleTo(console.rules_panel)
    console.set_admin(True)
    assert rule.isEnabled()


def test_a_counter_that_serves_only_some_services(qtbot, make_console, sqlite_backend, clock):
    ctx = sqlite_backend.ctx
    checkin.check_in(ctx, "information")
    clock.advance(minutes=1)
    checkin.check_in(ctx, "permits")
    console = make_console(counter_index=1)
    panel = console.rules_panel
    console.tabs.setCurrentWidget(panel)
    panel.counter_pick.setCurrentIndex(panel.counter_pick.findData("2"))
    items = [panel.services_list.item(i) for i in range(panel.services_list.count())]
    permits = next(item for item in items if item.data(Qt.ItemDataRole.UserRole) == "permits")
    permits.setCheckState(Qt.CheckState.Checked)
    click(qtbot, panel.save_services_button)
    name = permits.text()
    qtbot.waitUntil(lambda: console.counter_state.text() == f"This counter serves: {name}", timeout=3000)
    assert panel.counters_table.item(1, 1).text() == name
    assert panel.counters_table.item(0, 1).text() == "every service"

    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "B001", timeout=3000)
    click(qtbot, console.served_button)
    qtbot.waitUntil(lambda: console.call_button.isEnabled(), timeout=3000)
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.message.text() == "Nobody is waiting.", timeout=3000)
    assert table_numbers(console) == ["A001"]  # left for a counter that serves information


def test_a_break_stops_calling_until_it_ends(qtbot, make_console, sqlite_backend):
    ctx = sqlite_backend.ctx
    checkin.check_in(ctx, "information")
    console = make_console()
    assert console.break_button.text() == "Start break"
    click(qtbot, console.break_button)
    qtbot.waitUntil(lambda: console.counter_state.text().startswith("On a break since"), timeout=3000)
    assert console.message.text() == "Counter 1 is on a break."
    assert console.break_button.text() == "End break"
    assert not console.call_button.isEnabled() and not console.serve_now_button.isEnabled()
    assert console.rules_panel.counters_table.item(0, 2).text().startswith("On a break since")
    # A call that was already on its way (the button pressed as the break began) is refused in words.
    console.call_next()
    qtbot.waitUntil(
        lambda: console.message.text() == "Counter 1 is on a break. End the break to call visitors.",
        timeout=3000,
    )

    qtbot.waitUntil(console.break_button.isEnabled, timeout=3000)
    click(qtbot, console.break_button)
    qtbot.waitUntil(lambda: console.break_button.text() == "Start break", timeout=3000)
    assert not console.counter_state.isVisible()
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "A001", timeout=3000)
    assert [c.on_break for c in counters.list_counters(ctx)] == [False, False, False]


def test_serve_a_quick_question_at_the_desk_now(qtbot, make_console, sqlite_backend, clock):
    ctx = sqlite_backend.ctx
    checkin.check_in(ctx, "information")
    console = make_console(counter_index=2)
    console.serve_now_box.setCurrentIndex(console.serve_now_box.findData("payments"))
    click(qtbot, console.serve_now_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "C001", timeout=3000)
    assert "Being served" in console.current_details.text()
    assert console.message.text() == "Serving C001 at the desk now."
    assert table_numbers(console) == ["A001"]  # nobody's place in line moved
    clock.advance(minutes=2)
    click(qtbot, console.served_button)
    qtbot.waitUntil(lambda: console.waiting_title.text().endswith("Served today: 1"), timeout=3000)


def test_the_console_reports_how_right_the_estimates_were(qtbot, make_console, sqlite_backend, clock):
    ctx = sqlite_backend.ctx
    checkin.check_in(ctx, "information")
    checkin.check_in(ctx, "information")  # told 6 minutes
    console = make_console()
    qtbot.waitUntil(
        lambda: console.accuracy_label.text() == "Wait estimates today: nobody called yet.", timeout=3000
    )
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: console.current_number.text() == "A001", timeout=3000)
    clock.advance(minutes=9)
    click(qtbot, console.served_button)
    qtbot.waitUntil(lambda: console.call_button.isEnabled(), timeout=3000)
    click(qtbot, console.call_button)
    qtbot.waitUntil(lambda: "2 visitors called" in console.accuracy_label.text(), timeout=3000)
    assert console.accuracy_label.text() == (
        "Wait estimates today (2 visitors called): median error 1.5 min, 90% within 3 min,"
        " 100% within 5 min; visitors waited 1.5 min longer than told on average."
    )


def test_a_visitor_asks_for_an_accommodation_at_the_kiosk(qtbot, kiosk, sqlite_backend):
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    information = next(b for b in kiosk.services.buttons if b.key == "information")
    qtbot.mouseClick(information, Qt.MouseButton.LeftButton)
    toggle = kiosk.name_screen.accommodation_button
    assert toggle.accessibleName() == "I need an accommodation"
    assert "You do not have to say why" in toggle.accessibleDescription()
    assert not toggle.isChecked()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert toggle.isChecked() and toggle.text() == "☑ I need an accommodation"
    qtbot.mouseClick(kiosk.name_screen.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    waiting = queue.snapshot(sqlite_backend.ctx).waiting
    assert [(e.ticket.number, e.ticket.accommodation) for e in waiting] == [("A001", True)]
    assert not toggle.isChecked()  # the next visitor starts without it

    qtbot.mouseClick(kiosk.ticket.done_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        next(b for b in kiosk.services.buttons if b.key == "information"), Qt.MouseButton.LeftButton
    )
    qtbot.mouseClick(kiosk.name_screen.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(queue.snapshot(sqlite_backend.ctx).waiting) == 2, timeout=5000)
    assert queue.snapshot(sqlite_backend.ctx).waiting[1].ticket.accommodation is False
