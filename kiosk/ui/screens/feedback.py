"""Rate your visit: find the visit (ticket scanned or number typed), five faces, an optional comment, thanks.

The rating is stored with the visit's ticket, the time and the language; never a name. ``FeedbackSteps``
wires the three screens into the kiosk window, so the window itself only builds it and hands it scans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap
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

from kiosk.domain.feedback import COMMENT_MAX, RATING_LABELS, TICKET_QR_PREFIX
from kiosk.i18n import LANGUAGES, _, current_language, use_language
from kiosk.ui.flow import Step
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.tasks import user_message
from kiosk.ui.widgets.buttons import button, set_text
from kiosk.ui.widgets.keyboard import OnScreenKeyboard

if TYPE_CHECKING:
    from kiosk.ui.kiosk_window import KioskWindow

FACE_PX = 88  # standard print; large print doubles it
# Red to green, always with a drawn face and a word: colour is never the only difference.
FACE_COLOURS = {1: "#C62828", 2: "#E8590C", 3: "#F2B705", 4: "#7CB342", 5: "#2E7D32"}


def face_pixmap(rating: int, size: int) -> QPixmap:
    """A round face whose mouth goes from a frown (1) to a broad smile (5)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    line = max(2.0, size / 18)
    painter.setPen(QPen(QColor("#1B1B1B"), line))
    painter.setBrush(QColor(FACE_COLOURS[rating]))
    inset = line
    painter.drawEllipse(QRectF(inset, inset, size - 2 * inset, size - 2 * inset))
    painter.setBrush(QColor("#1B1B1B"))
    eye = size * 0.07
    for x in (0.35, 0.65):
        painter.drawEllipse(QPointF(size * x, size * 0.4), eye, eye)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    curve = (rating - 3) * 0.09  # negative: the mouth bends down
    mouth = QPainterPath(QPointF(size * 0.3, size * 0.66))
    mouth.quadTo(QPointF(size * 0.5, size * (0.66 + 2 * curve)), QPointF(size * 0.7, size * 0.66))
    pen = QPen(QColor("#1B1B1B"), line * 1.2)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawPath(mouth)
    painter.end()
    return pixmap


class FaceButton(QPushButton):
    """One rating: its face above its word. Checkable: the chosen face stays marked."""

    def __init__(self, rating: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rating = rating
        self.setObjectName(f"rating_{rating}")
        self.setProperty("role", "choice")
        self.setCheckable(True)
        self.setAutoExclusive(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoDefault(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.face = QLabel(self)
        self.face.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.word = QLabel(self)
        self.word.setObjectName("choiceTitle")
        self.word.setWordWrap(True)
        self.word.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.word.setTextFormat(Qt.TextFormat.PlainText)
        for part in (self.face, self.word):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 12, 10, 12)
        layout.setSpacing(8)
        layout.addWidget(self.face)
        layout.addWidget(self.word)
        self.set_scale(1)

    def set_scale(self, scale: int) -> None:
        self.face.setPixmap(face_pixmap(self.rating, FACE_PX * scale))
        self.updateGeometry()

    def set_word(self, word: str, description: str) -> None:
        self.word.setText(word)
        self.setAccessibleName(word)
        self.setAccessibleDescription(description)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.layout().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.layout().minimumSize()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self.layout().totalHeightForWidth(width)


class FeedbackFindScreen(Screen):
    """Which visit: the ticket's QR code under the scanner, or its number typed."""

    name = "feedback"
    submitted = Signal(str)
    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("title", self, "feedbackTitle")
        self.subtitle = label("subtitle", self)
        self.languages = QHBoxLayout()
        self.languages.setSpacing(12)
        self.language_buttons: dict[str, QPushButton] = {}
        for language in LANGUAGES:
            choice = button("", f"feedbackLanguage_{language.code}", self)
            choice.clicked.connect(lambda _c=False, code=language.code: self.language_chosen.emit(code))
            self.language_buttons[language.code] = choice
            self.languages.addWidget(choice)
        self.field = QLineEdit(self)
        self.field.setObjectName("feedbackTicketField")
        self.field.setMaxLength(120)  # a scanned link, not only the number
        self.error = label("error", self, "feedbackFindError")
        self.busy = label("muted", self, "feedbackFindBusy")
        self.submit_button = button("primary", "feedbackFindButton", self)
        self.submit_button.clicked.connect(self._submit)
        self.field.returnPressed.connect(self._submit)
        self.keyboard = OnScreenKeyboard(self.field, self.body)
        self.keyboard.layout_for_codes()
        row = QHBoxLayout()
        row.addWidget(self.field, 3)
        row.addWidget(self.submit_button, 2)
        self.layout_.addWidget(self.title)
        self.layout_.addLayout(self.languages)
        self.layout_.addWidget(self.subtitle)
        self.layout_.addLayout(row)
        for widget in (self.error, self.busy, self.keyboard):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.reset()

    def _submit(self) -> None:
        if self.field.text().strip():
            self.submitted.emit(self.field.text())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.submit_button.setEnabled(not busy)

    def retranslate(self) -> None:
        self.title.setText(_("Rate your visit"))
        self.subtitle.setText(
            _("Hold the QR code on your ticket under the scanner, or type your ticket number.")
        )
        for language in LANGUAGES:
            choice = self.language_buttons[language.code]
            choice.setText(language.endonym)
            choice.setAccessibleName(language.endonym)
            with use_language(language.code):
                choice.setAccessibleDescription(_("Touch here to continue in this language"))
            choice.setCheckable(True)
            choice.setChecked(language.code == current_language())
        self.field.setPlaceholderText(_("Ticket number, for example A012"))
        self.field.setAccessibleName(_("Ticket number"))
        self.busy.setText(_("One moment, please…"))
        set_text(self.submit_button, _("Continue"))
        self.keyboard.retranslate()

    def reset(self) -> None:
        self.field.clear()
        self.keyboard.reset()
        self.show_error("")
        self.set_busy(False)

    def first_focus(self) -> QWidget | None:
        return self.field


class FeedbackRateScreen(Screen):
    """Five faces, one optional line of comment, send."""

    name = "feedback-rate"
    send = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        self.large_print = False
        super().__init__(parent)
        self.number = ""
        self.title = label("title", self, "feedbackRateTitle")
        self.subtitle = label("subtitle", self)
        self.faces_holder = QWidget(self.body)
        self.faces = QGridLayout(self.faces_holder)
        self.faces.setContentsMargins(0, 0, 0, 0)
        self.faces.setSpacing(16)
        # Best first, as the scales people know read: the first face the keys reach is the happiest.
        self.face_buttons = [
            FaceButton(rating, self.faces_holder) for rating in sorted(RATING_LABELS, reverse=True)
        ]
        for face in self.face_buttons:
            face.clicked.connect(self._chosen)
        self.comment_label = label("", self, "feedbackCommentLabel")
        self.field = QLineEdit(self)
        self.field.setObjectName("feedbackCommentField")
        self.field.setMaxLength(COMMENT_MAX)
        self.field.installEventFilter(self)
        self.error = label("error", self, "feedbackRateError")
        self.send_button = button("primary", "feedbackSendButton", self)
        self.send_button.clicked.connect(self._send)
        self.field.returnPressed.connect(self._send)
        self.keyboard = OnScreenKeyboard(self.field, self.body)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.subtitle)
        self.layout_.addWidget(self.faces_holder)
        self.layout_.addWidget(self.comment_label)
        row = QHBoxLayout()
        row.setSpacing(20)
        row.addWidget(self.field, 3)
        row.addWidget(self.send_button, 1)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.keyboard)
        self.layout_.addStretch(1)
        self._place()
        self.reset()

    @property
    def rating(self) -> int | None:
        return next((face.rating for face in self.face_buttons if face.isChecked()), None)

    def _chosen(self) -> None:
        self.send_button.setEnabled(self.rating is not None)
        self.show_error("")

    def _send(self) -> None:
        if self.rating is not None:
            self.send.emit(self.rating, self.field.text().strip())

    def show_visit(self, number: str) -> None:
        self.number = number
        self.retranslate()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_busy(self, busy: bool) -> None:
        for widget in (self.send_button, self.field, self.keyboard, *self.face_buttons):
            widget.setEnabled(not busy)
        if not busy:
            self.send_button.setEnabled(self.rating is not None)

    def _place(self) -> None:
        # Large print: two rows (3 + 2), so each word still fits under its face.
        columns = 3 if self.large_print else 5
        for index, face in enumerate(self.face_buttons):
            self.faces.addWidget(face, index // columns, index % columns)
            face.set_scale(2 if self.large_print else 1)

    def apply_large_print(self, large: bool) -> None:
        self.large_print = large
        self._place()
        self.keyboard.set_preview_visible(large)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.MouseButtonPress and self.large_print and watched is self.field:
            self.scroll.verticalScrollBar().setValue(self.keyboard.y())
        return super().eventFilter(watched, event)

    def retranslate(self) -> None:
        self.title.setText(_("How was your visit today?"))
        self.subtitle.setText(
            _("Ticket {number}. Touch a face. Your answer is anonymous.", number=self.number)
            if self.number
            else _("Touch a face. Your answer is anonymous.")
        )
        for face in self.face_buttons:
            face.set_word(_(RATING_LABELS[face.rating]), _("{rating} of 5", rating=face.rating))
        self.comment_label.setText(_("Anything you would like to tell us? (optional)"))
        self.field.setPlaceholderText(_("Your comment (optional)"))
        self.field.setAccessibleName(_("Your comment (optional)"))
        set_text(self.send_button, _("Send"), _("Sends your rating"))
        self.keyboard.set_language(current_language())
        self.keyboard.retranslate()

    def reset(self) -> None:
        for face in self.face_buttons:
            face.setAutoExclusive(False)
            face.setChecked(False)
            face.setAutoExclusive(True)
        self.number = ""
        self.field.clear()
        self.keyboard.reset()
        self.show_error("")
        self.set_busy(False)

    def first_focus(self) -> QWidget | None:
        return self.face_buttons[0]


class FeedbackThanksScreen(Screen):
    name = "feedback-thanks"
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("title", self, "feedbackThanksTitle")
        self.body_text = label("subtitle", self, "feedbackThanksText")
        self.done_button = button("primary", "feedbackDoneButton", self)
        self.done_button.clicked.connect(self.done)
        for widget in (self.title, self.body_text, self.done_button):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(_("Thank you!"))
        self.body_text.setText(_("Your feedback helps us serve everyone better."))
        set_text(self.done_button, _("Done"))

    def first_focus(self) -> QWidget | None:
        return self.done_button


class FeedbackSteps(QObject):
    """The three screens in the kiosk window: built with the others, driven by the window's flow."""

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self.window = window
        self.find = FeedbackFindScreen(window)
        self.rate = FeedbackRateScreen(window)
        self.thanks = FeedbackThanksScreen(window)
        self.visit_ref = None
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self._timeout)
        self.find.submitted.connect(self.look_up)
        self.find.language_chosen.connect(self.change_language)
        self.rate.send.connect(self.send)
        self.thanks.done.connect(window.reset)

    @property
    def screens(self) -> dict[Step, Screen]:
        return {Step.FEEDBACK: self.find, Step.FEEDBACK_RATE: self.rate, Step.FEEDBACK_THANKS: self.thanks}

    def scan_prefixes(self) -> tuple[str, ...]:
        from kiosk.services.feedback import link_prefix

        url = getattr(self.window, "feedback_url", "")
        return (TICKET_QR_PREFIX, link_prefix(url)) if url else (TICKET_QR_PREFIX,)

    def claims(self, payload: str) -> bool:
        return any(payload.upper().startswith(prefix.upper()) for prefix in self.scan_prefixes())

    def start(self) -> None:
        """'Rate your visit' on the welcome screen: in the kiosk's language until the visitor picks one."""
        window = self.window
        window.build_screens()
        if window.flow.step == Step.WELCOME:
            window.flow.choose_language(window.flow.visit.language)
        window.flow.go(Step.FEEDBACK)
        self.find.reset()
        window._show_step()

    def change_language(self, code: str) -> None:
        self.window.flow.visit.language = code
        self.window._show_step(announce=True)

    def scanned(self, payload: str) -> None:
        """A ticket held under the scanner on any screen: rate that visit."""
        if self.window.flow.step != Step.FEEDBACK:
            self.start()
        self.look_up(payload)

    def look_up(self, text: str) -> None:
        window = self.window
        if window.ctx is None:
            return
        from kiosk.services import feedback

        ctx, visit, url = window.ctx, window.flow.visit, getattr(window, "feedback_url", "")
        self.find.set_busy(True)
        self.find.show_error("")

        def found(ref) -> None:
            if window.flow.visit is not visit:
                return
            self.find.set_busy(False)
            visit.feedback_visit = ref
            window.flow.go(Step.FEEDBACK_RATE)
            self.rate.reset()
            with use_language(visit.language):
                self.rate.show_visit(ref.number)
            window._show_step()

        def failed(exc: Exception) -> None:
            if window.flow.visit is not visit:
                return
            self.find.set_busy(False)
            with use_language(visit.language):
                self.find.show_error(user_message(exc))

        window.runner.submit(lambda: feedback.find_visit(ctx, text, url), found, failed)

    def send(self, rating: int, comment: str) -> None:
        window = self.window
        visit = window.flow.visit
        ref = visit.feedback_visit
        if window.ctx is None or ref is None:
            return
        from kiosk.services import feedback

        ctx, language = window.ctx, visit.language
        self.rate.set_busy(True)

        def stored(_feedback) -> None:
            if window.flow.visit is not visit:
                return
            window.flow.go(Step.FEEDBACK_THANKS)
            self.rate.reset()
            window._show_step()
            self.timer.start(max(5, window.ticket_screen_seconds // 2) * 1000)

        def failed(exc: Exception) -> None:
            if window.flow.visit is not visit:
                return
            self.rate.set_busy(False)
            with use_language(language):
                self.rate.show_error(user_message(exc))

        window.runner.submit(
            lambda: feedback.rate(ctx, ref.ticket_id, rating, comment, language=language), stored, failed
        )

    def _timeout(self) -> None:
        if self.window.flow.step == Step.FEEDBACK_THANKS:
            self.window.reset()
