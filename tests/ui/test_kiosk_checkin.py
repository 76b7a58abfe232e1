"""A visitor checks in at the kiosk, driven through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.services import queue
from kiosk.ui.flow import Step
from tests.ui.conftest import type_text


def choose(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_visitor_checks_in_in_spanish_and_the_kiosk_returns_to_welcome(qtbot, kiosk, sqlite_backend):
    assert kiosk.flow.step == Step.WELCOME
    assert kiosk.welcome.language_buttons["es"].title.text() == "Español"
    assert kiosk.welcome.language_buttons["es"].detail.text() == "Toque aquí para continuar en español"

    choose(qtbot, kiosk.welcome.language_buttons["es"])
    assert kiosk.stack.currentWidget() is kiosk.services
    assert kiosk.services.title.text() == "¿En qué podemos ayudarle hoy?"
    permits = next(b for b in kiosk.services.buttons if b.key == "permits")
    assert permits.title.text() == "Permisos y desarrollo"

    choose(qtbot, permits)
    assert kiosk.stack.currentWidget() is kiosk.name_screen
    qtbot.keyClicks(kiosk.name_screen.field, "Ana")
    choose(qtbot, kiosk.name_screen.submit_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)

    assert kiosk.ticket.number.text() == "B001"
    assert kiosk.ticket.heading.text() == "Gracias, Ana. Su número es"
    assert kiosk.ticket.position.text() == "Usted es el siguiente en la fila."
    assert kiosk.ticket.wait.text() == "Espera estimada: Sin espera"
    waiting = queue.snapshot(sqlite_backend.ctx).waiting
    assert [(e.ticket.number, e.ticket.first_name) for e in waiting] == [("B001", "Ana")]

    choose(qtbot, kiosk.ticket.done_button)
    assert kiosk.flow.step == Step.WELCOME
    assert kiosk.flow.visit.language == "en"
    assert kiosk.name_screen.field.text() == ""
    assert kiosk.welcome.title.text() == "Welcome. How can we help you today?"


def test_the_second_visitor_sees_their_place_and_wait(qtbot, kiosk):
    for name in ("Ana", None):
        choose(qtbot, kiosk.welcome.language_buttons["en"])
        choose(qtbot, next(b for b in kiosk.services.buttons if b.key == "information"))
        if name:
            qtbot.keyClicks(kiosk.name_screen.field, name)
            choose(qtbot, kiosk.name_screen.submit_button)
        else:
            choose(qtbot, kiosk.name_screen.skip_button)
        qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
        number = kiosk.ticket.number.text()
        choose(qtbot, kiosk.ticket.done_button)
    assert number == "A002"
    assert kiosk.ticket.result is None  # the ticket screen forgot the visit


def test_the_ticket_screen_returns_to_welcome_by_itself(qtbot, make_kiosk):
    kiosk = make_kiosk(ticket_screen_seconds=2)
    choose(qtbot, kiosk.welcome.language_buttons["vi"])
    choose(qtbot, kiosk.services.buttons[0])
    choose(qtbot, kiosk.name_screen.skip_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    assert kiosk.ticket.countdown.text() == "Màn hình này sẽ đóng sau 2 giây."
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.WELCOME, timeout=4000)


def test_back_and_start_over(qtbot, kiosk):
    choose(qtbot, kiosk.welcome.language_buttons["ru"])
    choose(qtbot, kiosk.services.buttons[0])
    type_text(kiosk.name_screen.field, "Ольга")
    assert kiosk.back_button.text() == "Назад"
    choose(qtbot, kiosk.back_button)
    assert kiosk.stack.currentWidget() is kiosk.services
    choose(qtbot, kiosk.start_over_button)
    assert kiosk.flow.step == Step.WELCOME
    assert kiosk.name_screen.field.text() == ""


def test_a_failure_shows_a_calm_translated_message_and_keeps_the_name(qtbot, make_kiosk, sqlite_backend):
    class BrokenUnitOfWork:
        def __call__(self, *, write=False):
            if write:
                raise OSError("disk I/O error")
            return sqlite_backend.ctx.uow(write=write)

    from dataclasses import replace

    kiosk = make_kiosk(ctx=replace(sqlite_backend.ctx, uow=BrokenUnitOfWork()))
    choose(qtbot, kiosk.welcome.language_buttons["zh_Hant"])
    choose(qtbot, kiosk.services.buttons[0])
    type_text(kiosk.name_screen.field, "慧玲")
    choose(qtbot, kiosk.name_screen.submit_button)
    qtbot.waitUntil(lambda: kiosk.name_screen.error.isVisible(), timeout=5000)
    assert kiosk.name_screen.error.text() == "我們這邊出了點問題。請再試一次，或到服務台詢問。"
    assert (
        "Traceback" not in kiosk.name_screen.error.text() and "OSError" not in kiosk.name_screen.error.text()
    )
    assert kiosk.name_screen.field.text() == "慧玲"
    assert kiosk.name_screen.submit_button.isEnabled()
    assert kiosk.flow.step == Step.NAME


def test_check_in_with_keys_alone(qtbot, kiosk):
    kiosk.activateWindow()
    assert kiosk.focusWidget() is kiosk.welcome.language_buttons["en"]
    qtbot.keyClick(kiosk.focusWidget(), Qt.Key.Key_Tab)
    assert kiosk.focusWidget() is kiosk.welcome.language_buttons["es"]
    qtbot.keyClick(kiosk.focusWidget(), Qt.Key.Key_Return)
    assert kiosk.flow.step == Step.SERVICES and kiosk.flow.visit.language == "es"
    qtbot.keyClick(kiosk.focusWidget(), Qt.Key.Key_Return)  # the first service has focus
    assert kiosk.flow.step == Step.NAME
    qtbot.keyClicks(kiosk.focusWidget(), "Luz")
    qtbot.keyClick(kiosk.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    assert kiosk.ticket.heading.text() == "Gracias, Luz. Su número es"
    qtbot.keyClick(kiosk.focusWidget(), Qt.Key.Key_Return)
    assert kiosk.flow.step == Step.WELCOME


def test_escape_goes_back(qtbot, kiosk):
    choose(qtbot, kiosk.welcome.language_buttons["en"])
    choose(qtbot, kiosk.services.buttons[0])
    qtbot.keyClick(kiosk.name_screen.field, Qt.Key.Key_Escape)
    assert kiosk.flow.step == Step.SERVICES


def test_large_print_doubles_the_text_and_lasts_for_the_visit(qtbot, kiosk):
    choose(qtbot, kiosk.welcome.language_buttons["en"])
    standard = kiosk.services.title.fontInfo().pixelSize()
    choose(qtbot, kiosk.large_print_button)
    large = kiosk.services.title.fontInfo().pixelSize()
    assert large >= 2 * standard - 1
    assert kiosk.large_print_button.text() == "Large print: on"
    choose(qtbot, kiosk.services.buttons[0])
    assert kiosk.name_screen.title.fontInfo().pixelSize() == large
    choose(qtbot, kiosk.start_over_button)
    assert kiosk.welcome.title.fontInfo().pixelSize() == standard


def test_every_control_has_an_accessible_name_and_a_touch_sized_target(qtbot, kiosk):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    choose(qtbot, kiosk.welcome.language_buttons["en"])
    for step_widget in (kiosk.welcome, kiosk.services, kiosk.name_screen):
        kiosk.stack.setCurrentWidget(step_widget)
        for control in step_widget.findChildren(QAbstractButton) + step_widget.findChildren(QLineEdit):
            if not control.isVisibleTo(kiosk):
                continue
            assert control.accessibleName(), f"{control.objectName()} has no accessible name"
            assert control.height() >= 60 and control.width() >= 60, control.objectName()


def keypad(qtbot, kiosk, key) -> None:
    qtbot.keyClick(kiosk.focusWidget(), key, Qt.KeyboardModifier.KeypadModifier)


def test_check_in_with_the_tactile_keypad(qtbot, kiosk):
    kiosk.activateWindow()
    keypad(qtbot, kiosk, Qt.Key.Key_2)  # English -> Español
    assert kiosk.focusWidget() is kiosk.welcome.language_buttons["es"]
    keypad(qtbot, kiosk, Qt.Key.Key_8)
    assert kiosk.focusWidget() is kiosk.welcome.language_buttons["en"]
    keypad(qtbot, kiosk, Qt.Key.Key_6)
    keypad(qtbot, kiosk, Qt.Key.Key_5)
    assert kiosk.flow.step == Step.SERVICES and kiosk.flow.visit.language == "es"
    keypad(qtbot, kiosk, Qt.Key.Key_2)
    assert kiosk.focusWidget() is kiosk.services.buttons[1]
    keypad(qtbot, kiosk, Qt.Key.Key_0)  # back to the languages
    assert kiosk.flow.step == Step.WELCOME
    keypad(qtbot, kiosk, Qt.Key.Key_5)  # focus is back on English
    keypad(qtbot, kiosk, Qt.Key.Key_5)  # the first service
    assert kiosk.flow.step == Step.NAME and kiosk.focusWidget() is kiosk.name_screen.field
    keypad(qtbot, kiosk, Qt.Key.Key_5)  # no name typed: get the ticket anyway
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    assert kiosk.ticket.heading.text() == "Your number is"
    keypad(qtbot, kiosk, Qt.Key.Key_0)
    assert kiosk.flow.step == Step.WELCOME


def test_arrow_keys_move_between_choices(qtbot, kiosk):
    kiosk.activateWindow()
    qtbot.keyClick(kiosk.focusWidget(), Qt.Key.Key_Down)
    assert kiosk.focusWidget() is kiosk.welcome.language_buttons["es"]
    qtbot.keyClick(kiosk.focusWidget(), Qt.Key.Key_Up)
    assert kiosk.focusWidget() is kiosk.welcome.language_buttons["en"]


def test_high_contrast_lasts_for_the_visit_and_is_cleared_after(qtbot, kiosk):
    from kiosk.ui.theme import HIGH_CONTRAST

    choose(qtbot, kiosk.high_contrast_button)
    assert kiosk.high_contrast_button.text() == "High contrast: on"
    assert HIGH_CONTRAST.background.lower() in kiosk.styleSheet().lower()
    choose(qtbot, kiosk.welcome.language_buttons["vi"])
    assert kiosk.high_contrast_button.text() == "Độ tương phản cao: bật"
    background = kiosk.services.grab().toImage().pixelColor(5, 5)
    assert background.lightness() < 20  # the page is dark
    choose(qtbot, kiosk.start_over_button)
    assert not kiosk.flow.visit.high_contrast
    assert kiosk.welcome.grab().toImage().pixelColor(5, 5).lightness() > 200


def test_an_unreachable_database_is_explained_in_the_visitors_language(qtbot, sqlite_backend):
    from dataclasses import replace

    from kiosk.ui.kiosk_window import KioskWindow

    class Unreachable:
        def __call__(self, *, write=False):
            raise ConnectionError("connection refused")

    kiosk = KioskWindow(building_name="The Portland Building")
    qtbot.addWidget(kiosk)
    kiosk.show()
    kiosk.attach(replace(sqlite_backend.ctx, uow=Unreachable()))
    choose(qtbot, kiosk.welcome.language_buttons["es"])
    qtbot.waitUntil(
        lambda: (
            kiosk.services.status.text()
            == "Ahora no podemos dar números. Pregunte en el mostrador, por favor."
        ),
        timeout=3000,
    )
    assert kiosk.services.status.isVisible() and kiosk.services.buttons == []
    kiosk.attach(sqlite_backend.ctx)  # the database is back
    qtbot.waitUntil(lambda: len(kiosk.services.buttons) == 7, timeout=3000)
    assert not kiosk.services.status.isVisible()


def tap(qtbot, key) -> None:
    qtbot.mouseClick(key, Qt.MouseButton.LeftButton)


def test_typing_a_vietnamese_name_on_the_screen_keyboard(qtbot, kiosk):
    choose(qtbot, kiosk.welcome.language_buttons["vi"])
    choose(qtbot, kiosk.services.buttons[0])
    board = kiosk.name_screen.keyboard
    for letter in "tu":
        tap(qtbot, board.letter_keys[letter])
    tap(qtbot, board.letter_keys["â"])
    tap(qtbot, board.tone_keys[0])  # sắc
    tap(qtbot, board.letter_keys["n"])
    assert kiosk.name_screen.field.text() == "Tuấn"
    tap(qtbot, board.backspace_key)
    assert kiosk.name_screen.field.text() == "Tuấ"
    assert kiosk.focusWidget() is kiosk.name_screen.field  # keys never steal the cursor


def test_typing_a_russian_name_on_the_screen_keyboard(qtbot, kiosk):
    choose(qtbot, kiosk.welcome.language_buttons["ru"])
    choose(qtbot, kiosk.services.buttons[0])
    board = kiosk.name_screen.keyboard
    assert board.letter_keys["й"].text() == "Й"  # a name starts with a capital
    for letter in "ольга":
        tap(qtbot, board.letter_keys[letter])
    tap(qtbot, board.space_key)
    tap(qtbot, board.letter_keys["а"])
    assert kiosk.name_screen.field.text() == "Ольга А"
    choose(qtbot, kiosk.name_screen.submit_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    assert kiosk.ticket.heading.text() == "Спасибо, Ольга А. Ваш номер"
