"""An automated audit of every kiosk screen, in every language, standard / large print / high contrast.

For each screen: every control has an accessible name, touch targets are large enough, no label's
text is cut off, nothing needs sideways scrolling, and the keyboard reaches every control.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPushButton, QWidget

from kiosk.i18n import LANGUAGE_CODES
from kiosk.ui.flow import Step
from kiosk.ui.theme import MIN_TOUCH_PX
from tests.fakes import FakeSpeaker

MODES = ["standard", "large", "contrast"]


def visible(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.isVisible()


def go_to(qtbot, kiosk, step: Step, language: str) -> None:
    if step == Step.WELCOME:
        kiosk.visitor_steps.enable(True)  # audit the welcome screen with every entry it can offer
        return
    kiosk.choose_language(language)
    if step == Step.SERVICES:
        return
    if step in (Step.ROOMS, Step.ROOM_BOOKED):
        kiosk.choose_rooms()
        qtbot.waitUntil(lambda: bool(kiosk.rooms.slot_buttons), timeout=5000)
        if step == Step.ROOM_BOOKED:
            kiosk.rooms.slot_buttons[-1].click()
            qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
        return
    if step == Step.ROOM_CHECK_IN:
        kiosk.choose_room_check_in()
        kiosk.room_check_in.keyboard.type("k")
        return
    if step in (Step.LOOKUP, Step.ANSWER):
        from kiosk.services import lookup

        kiosk.choose_lookup()
        kiosk.lookup.field.setText("permit")
        qtbot.waitUntil(
            lambda: bool(kiosk.lookup.result_buttons) or kiosk.lookup.status.isVisible(), timeout=5000
        )
        if step == Step.ANSWER:
            catalogue, _index = lookup.catalogue(None)
            with_bureau = next((e for e in catalogue.entries if e.bureau and e.front_desk), None)
            if with_bureau is None:
                pytest.skip("the shipped catalogue has no entry with a bureau and a front desk service")
            kiosk._catalogue = catalogue
            kiosk.show_answer(with_bureau)
        return
    if step == Step.REQUEST_STATUS:
        kiosk.choose_request_status()
        return
    if step in (Step.REPORT, Step.REPORT_FORM, Step.REPORT_REVIEW, Step.REPORT_DONE):
        from kiosk.services import sync
        from tests.ui.test_report_kiosk import DEFINITION, FakeOpen311, RemoteService

        central = FakeOpen311(
            services=[
                RemoteService("graffiti", "Graffiti", "Paint or tags on public property", metadata=True)
            ],
            definitions={"graffiti": DEFINITION},
        )
        sync.refresh_catalogue(kiosk.ctx, central)
        kiosk.choose_report()
        qtbot.waitUntil(lambda: bool(kiosk.report.buttons), timeout=5000)
        if step == Step.REPORT:
            return
        kiosk.choose_report_service("graffiti")
        kiosk.report_form.boxes[1].choices[0].click()
        if step == Step.REPORT_FORM:
            return
        kiosk.review_report()
        if step == Step.REPORT_REVIEW:
            return
        kiosk.send_report()
        qtbot.waitUntil(lambda: kiosk.flow.step == Step.REPORT_DONE, timeout=5000)
        return
    if step in (Step.FEEDBACK, Step.FEEDBACK_RATE, Step.FEEDBACK_THANKS):
        from kiosk.services import checkin, queue

        kiosk.feedback.start()
        kiosk.feedback.find.keyboard.type("a")
        if step == Step.FEEDBACK:
            return
        ticket = checkin.check_in(kiosk.ctx, "accommodation").ticket
        queue.call_next(kiosk.ctx, "1")
        queue.finish(kiosk.ctx, ticket.id)
        kiosk.feedback.look_up(ticket.number)
        qtbot.waitUntil(lambda: kiosk.flow.step == Step.FEEDBACK_RATE, timeout=5000)
        kiosk.feedback.rate.face_buttons[0].click()
        kiosk.feedback.rate.keyboard.type("w")
        if step == Step.FEEDBACK_RATE:
            return
        kiosk.feedback.rate.send_button.click()
        qtbot.waitUntil(lambda: kiosk.flow.step == Step.FEEDBACK_THANKS, timeout=5000)
        return
    if step in (Step.VISITOR_SIGN_IN, Step.VISITOR_SIGNED_IN):
        steps = kiosk.visitor_steps
        steps.enable(True)
        steps.start()
        if step == Step.VISITOR_SIGN_IN:
            qtbot.waitUntil(lambda: bool(steps.form.host_buttons), timeout=5000)
            steps.form.keyboard.type("w")
            return
        steps.form.name_field.setText("Ana")
        steps.form.host_field.setText(
            "Garbage, Recycling and Composting (Bureau of Planning and Sustainability)"
        )
        steps.form.submit_button.click()
        qtbot.waitUntil(lambda: kiosk.flow.step == Step.VISITOR_SIGNED_IN, timeout=5000)
        return
    kiosk.choose_service("accommodation")  # the longest service name in most languages
    if step == Step.NAME:
        # Something half typed: in Chinese, the candidate bar is then full of characters to audit too.
        kiosk.name_screen.keyboard.type("w")
        return
    kiosk.name_screen.field.setText("Maria")
    kiosk.name_screen.submit_button.click()
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)


def focus_chain(kiosk) -> list[QWidget]:
    seen: list[QWidget] = []
    start = kiosk.focusWidget()
    for _ in range(60):
        kiosk.move_focus(True)
        current = kiosk.focusWidget()
        if current in seen:
            break
        seen.append(current)
    if start is not None:
        start.setFocus()
    return seen


# High contrast changes colours only (theme.py sizes everything from the text size), so its geometry is the
# standard mode's: it is audited in one language here, and its colours in tests/unit/test_theme.py.
CASES = [
    (language, mode)
    for mode in MODES
    for language in LANGUAGE_CODES
    if mode != "contrast" or language == "en"
]


@pytest.mark.parametrize(("language", "mode"), CASES, ids=[f"{lang}-{mode}" for lang, mode in CASES])
@pytest.mark.parametrize("step", list(Step), ids=lambda s: s.value)
def test_screen_passes_the_audit(qtbot, make_kiosk, step, language, mode):
    kiosk = make_kiosk(default_language=language, speaker=FakeSpeaker())
    kiosk.activateWindow()
    if mode == "large":
        kiosk.toggle_large_print()
    elif mode == "contrast":
        kiosk.toggle_high_contrast()
    go_to(qtbot, kiosk, step, language)
    qtbot.wait(10)
    screen = kiosk.screens[step]
    minimum = MIN_TOUCH_PX * (2 if mode == "large" else 1)
    problems: list[str] = []

    controls = [
        w for w in kiosk.findChildren(QAbstractButton) + kiosk.findChildren(QLineEdit) if visible(w, kiosk)
    ]
    assert controls, "no controls found"
    for control in controls:
        name = control.objectName() or type(control).__name__
        if not control.accessibleName():
            problems.append(f"{name}: no accessible name")
        if control.height() < minimum or control.width() < minimum:
            problems.append(f"{name}: {control.width()}x{control.height()} px is below {minimum} px")
        if (
            isinstance(control, QPushButton)
            and control.text()
            and control.sizeHint().width() > control.width() + 1
        ):
            problems.append(f"{name}: its text {control.text()[:30]!r} is cut off")

    for text_label in kiosk.findChildren(QLabel):
        if not visible(text_label, kiosk) or not text_label.text():
            continue
        needed = (
            text_label.heightForWidth(text_label.width())
            if text_label.wordWrap()
            else text_label.sizeHint().height()
        )
        if needed > text_label.height() + 1:
            problems.append(
                f"label {text_label.text()[:30]!r}: needs {needed} px, has {text_label.height()} px"
            )
        if not text_label.wordWrap() and text_label.sizeHint().width() > text_label.width() + 1:
            problems.append(f"label {text_label.text()[:30]!r} is cut off on the right")

    viewport = screen.scroll.viewport()
    for control in controls:
        if screen.body.isAncestorOf(control):
            right = control.mapTo(viewport, QPoint(control.width(), 0)).x()
            if right > viewport.width():
                problems.append(
                    f"{control.objectName()}: runs {right - viewport.width()} px past the visible page"
                )
    if screen.scroll.horizontalScrollBar().maximum() > 0:
        problems.append("the screen scrolls sideways")
    if screen.body.minimumSizeHint().width() > screen.scroll.viewport().width():
        problems.append("the screen is wider than the display")

    reachable = set(focus_chain(kiosk))
    for control in controls:
        if (
            control.isEnabled()
            and control.focusPolicy() & Qt.FocusPolicy.TabFocus
            and control not in reachable
        ):
            problems.append(f"{control.objectName()}: not reachable by keyboard")

    assert problems == []


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large"])
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_the_idle_warning_fits(qtbot, make_kiosk, language, large):
    kiosk = make_kiosk(default_language=language)
    if large:
        kiosk.toggle_large_print()
    kiosk.choose_language(language)
    kiosk.idle._start_warning()
    qtbot.waitUntil(kiosk.overlay.isVisible, timeout=2000)
    qtbot.wait(10)
    for control in (kiosk.overlay.more_button, kiosk.overlay.start_over_button):
        assert control.sizeHint().width() <= control.width(), f"{control.text()!r} is cut off"
        assert control.height() >= 60 * (2 if large else 1)
    for text_label in (kiosk.overlay.title, kiosk.overlay.body):
        assert text_label.heightForWidth(text_label.width()) <= text_label.height() + 1
