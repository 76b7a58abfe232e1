"""An on-screen keyboard for touchscreens, with the letters each kiosk language needs.

Keys never take focus, so the text field keeps its cursor. Vietnamese tones are keys of their own:
a tone key puts its mark on the last vowel typed (Tua + â... + sắc -> Tuấ), and the text is kept
in composed form (NFC), as a keyboard layout would produce it.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from kiosk.i18n import _

LATIN = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
LAYOUTS: dict[str, list[str]] = {
    "en": LATIN,
    "es": [*LATIN, "áéíóúüñ"],
    "vi": [*LATIN, "ăâđêôơư"],
    "ru": ["йцукенгшщзх", "фывапролджэ", "ячсмитьбюъё"],
    "zh_Hant": LATIN,  # names in Latin letters; Chinese characters need an input method (see README)
}
# Vietnamese tones as combining marks: sắc, huyền, hỏi, ngã, nặng.
TONES = ["\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")


def add_tone(text: str, mark: str) -> str:
    """Put ``mark`` on the last vowel of the last word, replacing a tone already there."""
    decomposed = unicodedata.normalize("NFD", text)
    for index in range(len(decomposed) - 1, -1, -1):
        char = decomposed[index]
        if char == " ":
            break
        base = unicodedata.normalize("NFC", char)
        if base in VOWELS:
            end = index + 1
            while end < len(decomposed) and unicodedata.combining(decomposed[end]):
                end += 1
            marks = [m for m in decomposed[index + 1 : end] if m not in TONES]
            return unicodedata.normalize(
                "NFC", decomposed[: index + 1] + "".join(marks) + mark + decomposed[end:]
            )
    return text


class OnScreenKeyboard(QWidget):
    done = Signal()

    def __init__(self, target: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onScreenKeyboard")
        self.target = target
        self.language = "en"
        self.shift = True  # names start with a capital
        self.grid = QGridLayout(self)
        self.grid.setSpacing(6)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.keys: list[QPushButton] = []
        self.letter_keys: dict[str, QPushButton] = {}
        self.tone_keys: list[QPushButton] = []
        self.target.textChanged.connect(self._auto_shift)
        self.build()

    def _key(self, text: str, name: str = "") -> QPushButton:
        key = QPushButton(text, self)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the cursor
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        key.setProperty("role", "key")
        key.setAccessibleName(name or text)
        self.keys.append(key)
        return key

    def build(self) -> None:
        for key in self.keys:
            self.grid.removeWidget(key)
            key.deleteLater()
        self.keys, self.letter_keys, self.tone_keys = [], {}, []
        rows = LAYOUTS.get(self.language, LATIN)
        width = max(len(row) for row in rows)
        for row_index, row in enumerate(rows):
            offset = (width - len(row)) // 2
            for column, letter in enumerate(row):
                key = self._key(letter)
                key.clicked.connect(lambda _c=False, ch=letter: self.type(ch))
                self.letter_keys[letter] = key
                self.grid.addWidget(key, row_index, offset + column)
        row = len(rows)
        if self.language == "vi":
            for column, mark in enumerate(TONES):
                key = self._key("a" + mark, unicodedata.name(mark).title())
                key.clicked.connect(lambda _c=False, m=mark: self.tone(m))
                self.tone_keys.append(key)
                self.grid.addWidget(key, row, column + 1)
            row += 1
        self.shift_key = self._key("⇧")
        self.shift_key.setCheckable(True)
        self.shift_key.clicked.connect(self.toggle_shift)
        self.space_key = self._key("␣")
        self.space_key.clicked.connect(lambda: self.type(" "))
        self.hyphen_key = self._key("-")
        self.hyphen_key.clicked.connect(lambda: self.type("-"))
        self.backspace_key = self._key("⌫")
        self.backspace_key.clicked.connect(self.target.backspace)
        self.grid.addWidget(self.shift_key, row, 0, 1, 2)
        self.grid.addWidget(self.hyphen_key, row, 2)
        self.grid.addWidget(self.space_key, row, 3, 1, max(1, width - 5))
        self.grid.addWidget(self.backspace_key, row, max(4, width - 2), 1, 2)
        self.retranslate()
        self._show_case()

    def set_language(self, language: str) -> None:
        if language != self.language:
            self.language = language
            self.build()

    def retranslate(self) -> None:
        self.shift_key.setAccessibleName(_("Capital letters"))
        self.space_key.setAccessibleName(_("Space"))
        self.hyphen_key.setAccessibleName(_("Hyphen"))
        self.backspace_key.setAccessibleName(_("Delete the last letter"))

    def type(self, text: str) -> None:
        self.target.insert(text.upper() if self.shift else text)
        if self.shift and text.strip():
            self.shift = False
            self._show_case()

    def tone(self, mark: str) -> None:
        self.target.setText(add_tone(self.target.text(), mark))

    def toggle_shift(self) -> None:
        self.shift = not self.shift
        self._show_case()

    def _auto_shift(self, text: str) -> None:
        if (not text or text.endswith((" ", "-"))) and not self.shift:
            self.shift = True
            self._show_case()

    def _show_case(self) -> None:
        self.shift_key.setChecked(self.shift)
        for letter, key in self.letter_keys.items():
            key.setText(letter.upper() if self.shift else letter)
