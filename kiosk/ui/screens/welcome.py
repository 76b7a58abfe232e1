"""Welcome: each language offered in its own script, each saying how to begin in that language."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from kiosk.i18n import LANGUAGES, N_, _, use_language
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import ChoiceButton


class WelcomeScreen(Screen):
    name = "welcome"
    language_chosen = Signal(str)
    search_chosen = Signal()
    rate_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("title", self, "welcomeTitle")
        self.subtitle = label("subtitle", self)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.subtitle)
        self.grid = QGridLayout()
        self.grid.setSpacing(20)
        self.language_buttons: dict[str, ChoiceButton] = {}
        for language in LANGUAGES:
            choice = ChoiceButton(language.code, self)
            choice.setObjectName(f"language_{language.code}")
            choice.setProperty("role", "choice")
            choice.clicked.connect(lambda _checked=False, code=language.code: self.language_chosen.emit(code))
            self.language_buttons[language.code] = choice
        self.layout_.addLayout(self.grid)
        # What can be done before choosing a language: search in full width, the others side by side, so that
        # every entry stays above the fold at 1080 px.
        self.entries = QGridLayout()
        self.entries.setSpacing(20)
        self.layout_.addLayout(self.entries)
        self._entry_buttons: list[ChoiceButton] = []
        self.search_button: ChoiceButton | None = None
        self.rate_button: ChoiceButton | None = None
        self.layout_.addStretch(1)
        self.apply_large_print(False)

    def add_search(self) -> None:
        """Searching needs no language first: it finds words in any of them. Added after the first frame
        (each widget of the first frame delays it)."""
        if self.search_button is not None:
            return
        self.search_button = ChoiceButton("search", self)
        self.search_button.setObjectName("welcomeSearchButton")
        self.search_button.clicked.connect(self.search_chosen)
        self.add_entry(self.search_button)
        # After being served, a visitor rates the visit here (or by scanning the ticket on any screen).
        self.rate_button = ChoiceButton("rate", self)
        self.rate_button.setObjectName("welcomeRateButton")
        self.rate_button.clicked.connect(self.rate_chosen)
        self.add_entry(self.rate_button)
        self.retranslate()

    def add_entry(self, entry: ChoiceButton) -> None:
        """An entry below the languages: the first spans the width, the rest go two to a row."""
        if entry not in self._entry_buttons:
            self._entry_buttons.append(entry)
        self.lay_out_entries()

    def lay_out_entries(self) -> None:
        for button in self._entry_buttons:
            self.entries.removeWidget(button)
        order = {"search": 0, "rate": 1}
        shown = sorted(
            (b for b in self._entry_buttons if not _hidden_on_purpose(b)),
            key=lambda b: order.get(b.key, len(order)),
        )
        if not shown:
            return
        first, *rest = shown
        self.entries.addWidget(first, 0, 0, 1, 2)
        for index, button in enumerate(rest):
            spans_row = index == len(rest) - 1 and index % 2 == 0
            self.entries.addWidget(button, 1 + index // 2, index % 2, 1, 2 if spans_row else 1)
        self.entries.setColumnStretch(0, 1)
        self.entries.setColumnStretch(1, 1)

    def apply_large_print(self, large: bool) -> None:
        # Two columns in both modes: the names are short, and all five languages stay in view.
        columns = 2
        for index, language in enumerate(LANGUAGES):
            self.grid.addWidget(self.language_buttons[language.code], index // columns, index % columns)

    def retranslate(self) -> None:
        self.title.setText(_("Welcome. How can we help you today?"))
        self.subtitle.setText(_("Touch your language to begin."))
        for language in LANGUAGES:
            # Each button speaks its own language, whatever language the screen is in.
            with use_language(language.code):
                hint = _("Touch here to continue in this language")
            self.language_buttons[language.code].set_content(language.endonym, hint)
        if self.search_button is None:
            return
        said_in_every_language(self.search_button, N_("Find city information"))
        said_in_every_language(self.rate_button, N_("Rate your visit"))

    def first_focus(self) -> QWidget | None:
        return self.language_buttons[LANGUAGES[0].code]


def said_in_every_language(entry: ChoiceButton, message: str) -> None:
    """A welcome entry's name in the screen's language, and under it the same words in the others:
    whoever reads any of them knows what the button does before choosing a language."""
    here = _(message)
    others = []
    for language in LANGUAGES:
        with use_language(language.code):
            text = _(message)
        if text != here:
            others.append(text)
    entry.set_content(here, " · ".join(others))


def _hidden_on_purpose(widget: QWidget) -> bool:
    """Hidden by setVisible(False), not merely not shown yet (a new child of a visible screen)."""
    return widget.isHidden() and widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
