"""An on-screen keyboard for touchscreens, with the letters each kiosk language needs.

Keys never take focus, so the text field keeps its cursor. Vietnamese tones are keys of their own:
a tone key puts its mark on the last vowel typed (Tua + â... + sắc -> Tuấ), and the text is kept
in composed form (NFC), as a keyboard layout would produce it.

In Chinese the keyboard composes characters (kiosk.ui.chinese_input): zhuyin, pinyin or Cangjie keys
build a reading shown above the keys, and a row of candidates puts the chosen character in the field.
Latin letters stay one touch away for visitors who give a name in them.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import _
from kiosk.ui import chinese_input
from kiosk.ui.chinese_input import CANGJIE, PINYIN, ZHUYIN

LATIN = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
LAYOUTS: dict[str, list[str]] = {
    "en": LATIN,
    "es": [*LATIN, "áéíóúüñ"],
    "vi": [*LATIN, "ăâđêôơư"],
    "ru": ["йцукенгшщзх", "фывапролджэ", "ячсмитьбюъё"],
    "zh_Hant": LATIN,
}
CODE_ROWS = ["1234567890", *LATIN]  # booking codes and references: capitals and digits, any language
LATIN_METHOD = "latin"
METHOD_ROWS = {PINYIN: LATIN, ZHUYIN: chinese_input.ZHUYIN_ROWS, CANGJIE: chinese_input.CANGJIE_ROWS}
# Each method named in its own script, as phones and keyboards in Taiwan and Hong Kong name them.
METHOD_LABELS = {ZHUYIN: "注音", PINYIN: "拼音", CANGJIE: "倉頡", LATIN_METHOD: "ABC"}
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
        self.method = PINYIN  # for Chinese; the most widely taught reading
        self.composition = ""
        self.page = 0
        self.shift = True  # names start with a capital
        self.codes = False
        self.digits = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        # In large print the keys do not fit under the field: scrolled to the keys, the visitor still
        # sees what they have typed here.
        self.preview = QLabel(self)
        self.preview.setObjectName("typedPreview")
        self.preview.setProperty("role", "composition")
        self.preview.hide()
        outer.addWidget(self.preview)
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        outer.addLayout(self.grid)
        self.keys: list[QPushButton] = []
        self.letter_keys: dict[str, QPushButton] = {}
        self.tone_keys: list[QPushButton] = []
        self.method_keys: dict[str, QPushButton] = {}
        self.candidate_keys: list[QPushButton] = []
        self.candidate_bar: QWidget | None = None
        self.target.textChanged.connect(self._auto_shift)
        self.target.textChanged.connect(self._show_preview)
        self.build()

    def set_target(self, target: QLineEdit) -> None:
        """Type into another field (forms with several): what was being composed is dropped."""
        if target is self.target:
            return
        self.target.textChanged.disconnect(self._auto_shift)
        self.target.textChanged.disconnect(self._show_preview)
        self.target = target
        target.textChanged.connect(self._auto_shift)
        target.textChanged.connect(self._show_preview)
        self.composition, self.page = "", 0
        self.shift = not target.text() and target.property("capitals") != "none"
        self._show_case()
        self._show_candidates()

    def set_preview_visible(self, visible: bool) -> None:
        self.preview.setVisible(visible)
        if self.candidate_bar is not None:
            self.composition_label.setVisible(not visible)  # the preview line shows the composition
        self._show_preview()

    def _show_preview(self) -> None:
        if self.preview.isHidden():
            return
        composed = chinese_input.shown_composition(self.method, self.composition) if self.composing else ""
        text = self.target.text() + composed
        self.preview.setText(text or self.target.placeholderText())
        self.preview.setAccessibleName(text)

    def with_digits(self) -> None:
        """A row of digits above the letters (forms: house numbers, amounts, phone numbers)."""
        self.digits = True
        self.build()

    def layout_for_codes(self) -> None:
        """For codes rather than names: digits and capitals in every language, nothing composed."""
        self.codes = True
        self.build()

    @property
    def composing(self) -> bool:
        """Chinese characters are being composed (not Latin letters typed straight in)."""
        return self.language == "zh_Hant" and self.method != LATIN_METHOD and not self.codes

    def _key(self, text: str, name: str = "", parent: QWidget | None = None) -> QPushButton:
        key = QPushButton(text, parent or self)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the cursor
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        key.setProperty("role", "key")
        key.setAccessibleName(name or text)
        self.keys.append(key)
        return key

    def build(self) -> None:
        for key in self.keys:
            self.grid.removeWidget(key)
            key.hide()  # deleted only when the event loop next turns: not to be seen or touched till then
            key.deleteLater()
        if self.candidate_bar is not None:
            self.grid.removeWidget(self.candidate_bar)
            self.candidate_bar.hide()
            self.candidate_bar.deleteLater()
            self.candidate_bar = None
        self.keys, self.letter_keys, self.tone_keys = [], {}, []
        self.method_keys, self.candidate_keys = {}, []
        if self.codes:
            rows = CODE_ROWS
        elif self.composing:
            rows = METHOD_ROWS[self.method]
        else:
            rows = LAYOUTS.get(self.language, LATIN)
        width = max(len(row) for row in rows)
        first = 0
        if self.composing:
            self._build_candidate_bar()
            self.grid.addWidget(self.candidate_bar, 0, 0, 1, width)
            first = 1
        if self.digits and not self.codes:
            for column, digit in enumerate("1234567890"[:width]):
                key = self._key(digit)
                # Straight into the field, also while composing Chinese: a digit is never a reading.
                key.clicked.connect(lambda _c=False, ch=digit: self.target.insert(ch))
                self.letter_keys[digit] = key
                self.grid.addWidget(key, first, column)
            first += 1
        for row_index, row in enumerate(rows, start=first):
            offset = (width - len(row)) // 2
            for column, letter in enumerate(row):
                key = self._letter_key(letter)
                self.letter_keys[letter] = key
                self.grid.addWidget(key, row_index, offset + column)
        row = first + len(rows)
        if self.language == "vi" and not self.codes:
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
        self.space_key.clicked.connect(self.space)
        self.hyphen_key = self._key("-")
        self.hyphen_key.clicked.connect(lambda: self.type("-"))
        self.backspace_key = self._key("⌫")
        self.backspace_key.clicked.connect(self.backspace)
        # In Chinese the methods share the bottom row with the space bar: one row less to scroll to.
        column = 0
        if self.language == "zh_Hant" and not self.codes:
            for method, label in METHOD_LABELS.items():
                key = self._key(label)
                key.setCheckable(True)
                key.clicked.connect(lambda _c=False, m=method: self.set_method(m))
                self.method_keys[method] = key
                self.grid.addWidget(key, row, column)
                column += 1
        # A layout shows new children of a visible widget only when the event loop next turns; a key
        # must be there to touch as soon as the keyboard changes.
        for key in self.keys:
            key.show()
        if self.candidate_bar is not None:
            self.candidate_bar.show()
        if self.composing or self.codes:
            # Capitals and hyphens belong to Latin names; while composing Chinese they would do nothing.
            self.shift_key.hide()
            self.hyphen_key.hide()
        else:
            shift_span = 1 if column else 2
            self.grid.addWidget(self.shift_key, row, column, 1, shift_span)
            self.grid.addWidget(self.hyphen_key, row, column + shift_span)
            column += shift_span + 1
        self.grid.addWidget(self.space_key, row, column, 1, max(1, width - column - 2))
        self.grid.addWidget(self.backspace_key, row, max(4, width - 2), 1, 2)
        self.retranslate()
        self._show_case()
        self._show_candidates()

    def _letter_key(self, letter: str) -> QPushButton:
        if self.composing and self.method == CANGJIE:
            radical = chinese_input.CANGJIE_RADICALS[letter]
            key = self._key(radical, f"{radical} {letter.upper()}")
        else:
            key = self._key(letter)
        key.clicked.connect(lambda _c=False, ch=letter: self.type(ch))
        return key

    def _build_candidate_bar(self) -> None:
        bar = QWidget(self)
        bar.setObjectName("candidateBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.composition_label = QLabel(bar)
        self.composition_label.setObjectName("composition")
        self.composition_label.setProperty("role", "composition")
        self.composition_label.setVisible(self.preview.isHidden())
        row.addWidget(self.composition_label, 2)
        self.previous_key = self._key("◀", parent=bar)
        self.previous_key.clicked.connect(lambda: self._turn(-1))
        row.addWidget(self.previous_key, 1)
        for _index in range(chinese_input.PAGE):
            key = self._key("", parent=bar)
            policy = key.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # the bar keeps its shape while candidates come and go
            key.setSizePolicy(policy)
            key.clicked.connect(lambda _c=False, k=key: self.choose(k.text()))
            self.candidate_keys.append(key)
            row.addWidget(key, 1)
        self.next_key = self._key("▶", parent=bar)
        self.next_key.clicked.connect(lambda: self._turn(1))
        row.addWidget(self.next_key, 1)
        self.candidate_bar = bar

    def set_language(self, language: str) -> None:
        if language != self.language:
            self.language = language
            self.composition, self.page = "", 0
            self.build()

    def set_method(self, method: str) -> None:
        """Switch between zhuyin, pinyin, Cangjie and Latin letters; what was being composed is dropped."""
        self.method = method
        self.composition, self.page = "", 0
        self.build()

    def retranslate(self) -> None:
        self.shift_key.setAccessibleName(_("Capital letters"))
        self.space_key.setAccessibleName(_("Space"))
        self.hyphen_key.setAccessibleName(_("Hyphen"))
        self.backspace_key.setAccessibleName(_("Delete the last letter"))
        names = {
            ZHUYIN: _("Zhuyin (bopomofo) input"),
            PINYIN: _("Pinyin input"),
            CANGJIE: _("Cangjie input"),
            LATIN_METHOD: _("Latin letters"),
        }
        for method, key in self.method_keys.items():
            key.setAccessibleName(names[method])
        if self.candidate_bar is not None:
            self.previous_key.setAccessibleName(_("Previous characters"))
            self.next_key.setAccessibleName(_("More characters"))

    def type(self, text: str) -> None:
        if self.codes:
            self.target.insert(text.upper())
            return
        if self.composing:
            if self.method == CANGJIE and len(self.composition) >= chinese_input.CANGJIE_MAX:
                return
            self.composition += text
            self.page = 0
            self._show_candidates()
            return
        self.target.insert(text.upper() if self.shift else text)
        if self.shift and text.strip():
            self.shift = False
            self._show_case()

    def choose(self, char: str) -> None:
        """Put a candidate in the field; what it did not use of the composition stays for the next one."""
        if not char:
            return
        used = chinese_input.candidates(self.method, self.composition).used
        self.target.insert(char)
        self.composition, self.page = self.composition[used:], 0
        self._show_candidates()

    def space(self) -> None:
        if self.composing and self.composition:
            found = chinese_input.candidates(self.method, self.composition).chars
            if found:
                self.choose(found[0])
            return
        self.type(" ")

    def backspace(self) -> None:
        if self.composing and self.composition:
            self.composition, self.page = self.composition[:-1], 0
            self._show_candidates()
            return
        self.target.backspace()

    def reset(self) -> None:
        """A new visitor: nothing half-typed, Latin capitals first, the default Chinese method."""
        self.composition, self.page = "", 0
        self.shift = self.target.property("capitals") != "none"
        if self.method != PINYIN:
            self.set_method(PINYIN)
        else:
            self._show_case()
            self._show_candidates()

    def tone(self, mark: str) -> None:
        self.target.setText(add_tone(self.target.text(), mark))

    def toggle_shift(self) -> None:
        self.shift = not self.shift
        self._show_case()

    def _turn(self, step: int) -> None:
        self.page += step
        self._show_candidates()

    def _auto_shift(self, text: str) -> None:
        # A field says how it starts words with its "capitals" property: names capitalise every word
        # (the default), descriptions only sentences, addresses and emails nothing.
        mode = self.target.property("capitals") or "words"
        if mode == "none":
            wanted = False
        elif mode == "sentences":
            wanted = not text.strip() or text.rstrip().endswith((".", "!", "?")) and text.endswith(" ")
        else:
            wanted = not text or text.endswith((" ", "-"))
        if wanted and not self.shift:
            self.shift = True
            self._show_case()
        elif not wanted and self.shift and mode == "none":
            self.shift = False
            self._show_case()

    def _show_case(self) -> None:
        self.shift_key.setChecked(self.shift)
        if self.composing:
            return
        for letter, key in self.letter_keys.items():
            key.setText(letter.upper() if self.shift or self.codes else letter)

    def _show_candidates(self) -> None:
        for method, key in self.method_keys.items():
            key.setChecked(method == self.method)
        if self.candidate_bar is None:
            return
        found = chinese_input.candidates(self.method, self.composition).chars
        pages = max(1, -(-len(found) // chinese_input.PAGE))
        self.page = min(max(self.page, 0), pages - 1)
        shown = found[self.page * chinese_input.PAGE : (self.page + 1) * chinese_input.PAGE]
        for index, key in enumerate(self.candidate_keys):
            char = shown[index] if index < len(shown) else ""
            key.setText(char)
            key.setAccessibleName(char)
            key.setVisible(bool(char))
        self.previous_key.setEnabled(self.page > 0)
        self.next_key.setEnabled(self.page < pages - 1)
        self.composition_label.setText(chinese_input.shown_composition(self.method, self.composition))
        self._show_preview()
