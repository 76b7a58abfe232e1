import unicodedata

import pytest

from kiosk.ui.widgets.keyboard import LAYOUTS, TONES, add_tone

SAC, HUYEN, HOI, NGA, NANG = TONES


@pytest.mark.parametrize(
    ("typed", "mark", "expected"),
    [
        ("Tuâ", SAC, "Tuấ"),
        ("Nguyê", NANG, "Nguyệ"),
        ("Hoa", HUYEN, "Hoà"),
        ("Hoà", SAC, "Hoá"),  # a new tone replaces the old one
        ("Tuấn", HOI, "Tuẩn"),  # the last vowel of the word, even after a consonant
        ("Lê Thi", NGA, "Lê Thĩ"),  # only the last word
        ("Đ", SAC, "Đ"),  # no vowel: nothing to mark
        ("", NANG, ""),
    ],
)
def test_tone_keys_mark_the_last_vowel(typed, mark, expected):
    result = add_tone(typed, mark)
    assert result == expected
    assert result == unicodedata.normalize("NFC", result)


def test_every_language_has_its_letters():
    assert "ñ" in "".join(LAYOUTS["es"]) and "đ" in "".join(LAYOUTS["vi"])
    assert set("йцукенгшщзхфывапролджэячсмитьбю") <= set("".join(LAYOUTS["ru"]))
