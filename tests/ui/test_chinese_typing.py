"""A Chinese-reading visitor types their name on the touch keyboard: pinyin, zhuyin, Cangjie."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from kiosk.services import queue
from kiosk.ui.chinese_input import CANGJIE, PINYIN, ZHUYIN
from kiosk.ui.flow import Step
from kiosk.ui.widgets.keyboard import LATIN_METHOD


def touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def press(qtbot, keyboard, keys: str) -> None:
    for key in keys:
        touch(qtbot, keyboard.letter_keys[key])


def candidate(keyboard, char: str):
    return next(key for key in keyboard.candidate_keys if key.isVisible() and key.text() == char)


def open_name_screen(qtbot, kiosk):
    touch(qtbot, kiosk.welcome.language_buttons["zh_Hant"])
    touch(qtbot, next(b for b in kiosk.services.buttons if b.key == "information"))
    assert kiosk.stack.currentWidget() is kiosk.name_screen
    return kiosk.name_screen.keyboard


def test_a_name_typed_in_pinyin_zhuyin_and_cangjie_reaches_the_ticket(qtbot, kiosk, sqlite_backend):
    keyboard = open_name_screen(qtbot, kiosk)
    field = kiosk.name_screen.field
    assert keyboard.method == PINYIN
    assert [keyboard.method_keys[m].text() for m in (ZHUYIN, PINYIN, CANGJIE, LATIN_METHOD)] == [
        "注音",
        "拼音",
        "倉頡",
        "ABC",
    ]
    assert keyboard.method_keys[PINYIN].isChecked()

    press(qtbot, keyboard, "wang")
    assert field.text() == ""  # a reading being composed is not yet text
    assert keyboard.composition_label.text() == "wang"
    touch(qtbot, candidate(keyboard, "王"))
    assert (field.text(), keyboard.composition) == ("王", "")

    touch(qtbot, keyboard.method_keys[ZHUYIN])
    assert keyboard.letter_keys["ㄅ"].isVisible() and "q" not in keyboard.letter_keys
    press(qtbot, keyboard, "ㄒㄧㄠˇ")
    assert keyboard.composition_label.text() == "ㄒㄧㄠˇ"
    touch(qtbot, candidate(keyboard, "小"))

    touch(qtbot, keyboard.method_keys[CANGJIE])
    assert keyboard.letter_keys["a"].text() == "日"
    assert keyboard.letter_keys["a"].accessibleName() == "日 A"
    press(qtbot, keyboard, "ab")
    assert keyboard.composition_label.text() == "日月"
    touch(qtbot, candidate(keyboard, "明"))
    assert field.text() == "王小明"

    touch(qtbot, kiosk.name_screen.submit_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    assert "王小明" in kiosk.ticket.heading.text()
    waiting = queue.snapshot(sqlite_backend.ctx).waiting
    assert [e.ticket.first_name for e in waiting] == ["王小明"]


def test_space_takes_the_first_candidate_and_backspace_unpicks_letters_first(qtbot, kiosk):
    keyboard = open_name_screen(qtbot, kiosk)
    field = kiosk.name_screen.field
    press(qtbot, keyboard, "linwei")
    assert keyboard.candidate_keys[0].text() == "林"  # the first syllable, lin, of what was typed
    touch(qtbot, keyboard.space_key)
    assert (field.text(), keyboard.composition) == ("林", "wei")
    touch(qtbot, keyboard.backspace_key)
    assert (field.text(), keyboard.composition) == ("林", "we")
    for _ in range(2):
        touch(qtbot, keyboard.backspace_key)
    assert (field.text(), keyboard.composition) == ("林", "")
    touch(qtbot, keyboard.backspace_key)
    assert field.text() == ""


def test_more_candidates_page_by_page(qtbot, kiosk):
    keyboard = open_name_screen(qtbot, kiosk)
    press(qtbot, keyboard, "li")
    first_page = [key.text() for key in keyboard.candidate_keys]
    assert not keyboard.previous_key.isEnabled() and keyboard.next_key.isEnabled()
    touch(qtbot, keyboard.next_key)
    second_page = [key.text() for key in keyboard.candidate_keys]
    assert set(first_page).isdisjoint(second_page)
    assert keyboard.previous_key.isEnabled()
    touch(qtbot, keyboard.previous_key)
    assert [key.text() for key in keyboard.candidate_keys] == first_page


def test_latin_letters_are_one_touch_away(qtbot, kiosk):
    keyboard = open_name_screen(qtbot, kiosk)
    touch(qtbot, keyboard.method_keys[LATIN_METHOD])
    assert keyboard.shift_key.isVisible() and keyboard.candidate_bar is None
    press(qtbot, keyboard, "amy")
    assert kiosk.name_screen.field.text() == "Amy"


def test_the_next_visitor_starts_with_nothing_composed_and_pinyin(qtbot, kiosk):
    keyboard = open_name_screen(qtbot, kiosk)
    touch(qtbot, keyboard.method_keys[CANGJIE])
    press(qtbot, keyboard, "oy")
    touch(qtbot, kiosk.start_over_button)
    keyboard = open_name_screen(qtbot, kiosk)
    assert (keyboard.method, keyboard.composition) == (PINYIN, "")
    assert kiosk.name_screen.field.text() == ""
    assert [key.text() for key in keyboard.candidate_keys if key.isVisible()] == []


def test_in_large_print_touching_the_field_brings_up_the_keys_and_their_own_line(qtbot, kiosk):
    kiosk.toggle_large_print()
    keyboard = open_name_screen(qtbot, kiosk)
    screen = kiosk.name_screen
    viewport = screen.scroll.viewport()

    def in_view(widget) -> bool:
        top = widget.mapTo(viewport, QPoint(0, 0)).y()
        return top >= 0 and top + widget.height() <= viewport.height()

    assert not in_view(keyboard.letter_keys["q"])  # the keys do not fit under the field
    touch(qtbot, screen.field)
    assert in_view(keyboard.preview) and in_view(keyboard.letter_keys["q"])
    press(qtbot, keyboard, "chen")
    touch(qtbot, candidate(keyboard, "陳"))
    press(qtbot, keyboard, "da")
    assert keyboard.preview.text() == "陳da"  # what is typed, in view while the field is not
    assert screen.field.text() == "陳"
