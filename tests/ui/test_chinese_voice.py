"""A Chinese-reading visitor chooses Cantonese or Mandarin for speech; the next visitor gets the default."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.fakes import FakeSpeaker


def touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_the_voice_switch_is_there_for_chinese_and_changes_the_spoken_chinese(qtbot, make_kiosk):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker)
    voice = kiosk.chinese_voice_button
    assert not voice.isVisible()  # the welcome screen is for every language
    touch(qtbot, kiosk.welcome.language_buttons["es"])
    assert not voice.isVisible()
    touch(qtbot, kiosk.start_over_button)

    touch(qtbot, kiosk.welcome.language_buttons["zh_Hant"])
    assert voice.isVisible() and voice.text() == "語音：粵語"
    assert voice.accessibleName() == "語音：粵語"
    touch(qtbot, kiosk.speech_button)
    assert speaker.chinese_voices[-1] == "yue"
    touch(qtbot, voice)
    assert voice.text() == "語音：普通話"
    assert speaker.chinese == "cmn"
    # The screen is read again at once, now in Mandarin.
    assert speaker.said[-1][1] == "zh_Hant" and speaker.chinese_voices[-1] == "cmn"

    touch(qtbot, kiosk.start_over_button)
    assert speaker.chinese == "yue"  # the next visitor starts from the building's default
    assert kiosk.flow.visit.chinese_voice == "yue"


def test_a_building_can_default_to_mandarin(qtbot, make_kiosk):
    speaker = FakeSpeaker()
    kiosk = make_kiosk(speaker=speaker, chinese_voice="cmn")
    assert speaker.chinese == "cmn"
    touch(qtbot, kiosk.welcome.language_buttons["zh_Hant"])
    assert kiosk.chinese_voice_button.text() == "語音：普通話"


def test_no_voice_switch_without_a_speech_engine(qtbot, make_kiosk):
    kiosk = make_kiosk(speaker=None)
    touch(qtbot, kiosk.welcome.language_buttons["zh_Hant"])
    assert not kiosk.chinese_voice_button.isVisible()
