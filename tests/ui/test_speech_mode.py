"""Speech mode reads every screen and the focused control, repeats, and stops when the visit ends."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.ui.flow import Step
from tests.fakes import FakeSpeaker


def keypad(qtbot, kiosk, key) -> None:
    qtbot.keyClick(kiosk.focusWidget(), key, Qt.KeyboardModifier.KeypadModifier)


def test_no_engine_means_no_speech_button(kiosk):
    assert not kiosk.speech_button.isVisibleTo(kiosk)


def test_speech_reads_each_screen_in_the_visitors_language(qtbot, make_kiosk):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker)
    assert kiosk.speech_button.isVisibleTo(kiosk)
    qtbot.mouseClick(kiosk.speech_button, Qt.MouseButton.LeftButton)
    assert kiosk.speech_button.text() == "Read aloud: on"
    text, language = speaker.said[-1]
    assert language == "en"
    assert text.startswith("Welcome. How can we help you today? Touch your language to begin.")
    assert "Choices:" in text and "Español" in text and "Русский" in text

    qtbot.mouseClick(kiosk.welcome.language_buttons["es"], Qt.MouseButton.LeftButton)
    text, language = speaker.said[-1]
    assert language == "es"
    assert text.startswith("¿En qué podemos ayudarle hoy?")
    assert "Opciones:" in text and "Permisos y desarrollo" in text


def test_the_focused_control_is_read_and_star_repeats(qtbot, make_kiosk):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker)
    kiosk.activateWindow()
    keypad(qtbot, kiosk, Qt.Key.Key_Asterisk)  # star turns speech on
    assert kiosk.flow.visit.speech
    screen_text = speaker.last
    keypad(qtbot, kiosk, Qt.Key.Key_2)
    assert speaker.last.startswith("Español. Toque aquí para continuar en español")
    keypad(qtbot, kiosk, Qt.Key.Key_Asterisk)
    assert speaker.last == screen_text
    keypad(qtbot, kiosk, Qt.Key.Key_5)
    keypad(qtbot, kiosk, Qt.Key.Key_5)
    assert kiosk.flow.step == Step.NAME
    assert speaker.last.startswith("¿Cuál es su nombre?")


def test_the_ticket_and_the_idle_warning_are_read(qtbot, make_kiosk):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker, idle_seconds=1, idle_warning_seconds=20)
    qtbot.mouseClick(kiosk.speech_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.welcome.language_buttons["vi"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.name_screen.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    assert "Số của quý vị là" in speaker.last and "Số A001" in speaker.last
    kiosk.reset()
    qtbot.mouseClick(kiosk.speech_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.welcome.language_buttons["ru"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(kiosk.overlay.isVisible, timeout=3000)
    assert speaker.last.startswith("Вам нужно больше времени?")


def test_leaving_stops_speech_and_turns_it_off(qtbot, make_kiosk):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker)
    qtbot.mouseClick(kiosk.speech_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    stops = speaker.stops
    qtbot.mouseClick(kiosk.start_over_button, Qt.MouseButton.LeftButton)
    assert speaker.stops > stops
    assert not kiosk.flow.visit.speech
    said = len(speaker.said)
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    assert len(speaker.said) == said  # the next visitor starts without speech


def test_volume_speed_and_help_from_the_keypad(qtbot, make_kiosk):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker)
    kiosk.activateWindow()
    keypad(qtbot, kiosk, Qt.Key.Key_NumberSign)  # help turns speech on and says the keys
    assert kiosk.flow.visit.speech
    assert speaker.last.startswith("Keypad: 2 and 8 move, 5 selects")
    keypad(qtbot, kiosk, Qt.Key.Key_Plus)
    assert speaker.volume == 60 and speaker.last == "Volume 60 percent"
    keypad(qtbot, kiosk, Qt.Key.Key_Minus)
    keypad(qtbot, kiosk, Qt.Key.Key_Minus)
    assert speaker.volume == 40
    keypad(qtbot, kiosk, Qt.Key.Key_7)
    assert speaker.rate_wpm == 140 and speaker.last == "Speed 140 words a minute"
    kiosk.reset()
    assert (speaker.volume, speaker.rate_wpm) == (50, 160)  # the next visitor starts fresh


def test_a_whole_check_in_by_keypad_with_speech_in_large_print(qtbot, make_kiosk, sqlite_backend):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker)
    kiosk.activateWindow()
    kiosk.toggle_large_print()
    keypad(qtbot, kiosk, Qt.Key.Key_Asterisk)
    keypad(qtbot, kiosk, Qt.Key.Key_2)
    keypad(qtbot, kiosk, Qt.Key.Key_2)  # English -> Español -> Tiếng Việt
    assert speaker.last.startswith("Tiếng Việt")
    keypad(qtbot, kiosk, Qt.Key.Key_5)
    assert speaker.said[-1][1] == "vi" and speaker.last.startswith("Hôm nay chúng tôi có thể giúp gì")
    keypad(qtbot, kiosk, Qt.Key.Key_2)
    keypad(qtbot, kiosk, Qt.Key.Key_5)  # the second service: permits
    assert kiosk.flow.step == Step.NAME
    keypad(qtbot, kiosk, Qt.Key.Key_5)  # no name
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    assert "B001" in speaker.last and "Giấy phép và phát triển" in speaker.last
    assert kiosk.ticket.number.fontInfo().pixelSize() > 100
    keypad(qtbot, kiosk, Qt.Key.Key_0)
    assert kiosk.flow.step == Step.WELCOME and not kiosk.flow.visit.speech
