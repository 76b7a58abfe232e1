"""A visitor reports a problem at the kiosk, offline, and checks on it later; the outbox delivers it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent

from kiosk.domain.requests import RequestState
from kiosk.services import requests, sync
from kiosk.services.ports import AttributeValue, RemoteService, ServiceAttribute, ServiceDefinition
from kiosk.ui.flow import Step
from tests.fakes import FakeOpen311

DEFINITION = ServiceDefinition(
    "graffiti",
    (
        ServiceAttribute("note", "text", "Do not try to remove it yourself.", variable=False, order=0),
        ServiceAttribute("where_on", "singlevaluelist", "What is it on?", required=True, order=1,
                         values=(AttributeValue("wall", "A wall"), AttributeValue("sign", "A sign"))),
        ServiceAttribute("colours", "multivaluelist", "Which colours?", order=2,
                         values=(AttributeValue("red", "Red"), AttributeValue("blue", "Blue"))),
        ServiceAttribute("size", "number", "About how many square feet?", order=3),
        ServiceAttribute("seen", "datetime", "When did you see it?", order=4),
    ),
)  # fmt: skip


@pytest.fixture
def central(sqlite_backend):
    fake = FakeOpen311(
        services=[
            RemoteService("graffiti", "Graffiti", "Paint or tags on public property", metadata=True),
            RemoteService("noise", "Noise complaint", "Loud noise at night"),
        ],
        definitions={"graffiti": DEFINITION},
    )
    sync.refresh_catalogue(sqlite_backend.ctx, fake)  # fetched earlier; the kiosk is offline now
    return fake


def touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def box(kiosk, code: str):
    return next(b for b in kiosk.report_form.boxes if b.attribute.code == code)


def choice(kiosk, code: str, name: str):
    return next(c for c in box(kiosk, code).choices if c.text() == name)


def type_on_keyboard(qtbot, keyboard, text: str) -> None:
    for char in text:
        if char == " ":
            touch(qtbot, keyboard.space_key)
        else:
            touch(qtbot, keyboard.letter_keys[char.lower()])


def open_form(qtbot, kiosk, language: str = "en") -> None:
    touch(qtbot, kiosk.welcome.language_buttons[language])
    touch(qtbot, kiosk.services.report_button)
    qtbot.waitUntil(lambda: bool(kiosk.report.buttons), timeout=5000)
    assert [b.title.text() for b in kiosk.report.buttons] == ["Graffiti", "Noise complaint"]
    touch(qtbot, kiosk.report.buttons[0])
    assert kiosk.flow.step == Step.REPORT_FORM


def test_a_report_is_filed_offline_with_every_kind_of_answer_and_delivered_later(
    qtbot, make_kiosk, sqlite_backend, central
):
    kiosk = make_kiosk()
    open_form(qtbot, kiosk)
    form = kiosk.report_form
    assert form.title.text() == "Graffiti"
    assert [b.question.text() for b in form.boxes] == [
        "Do not try to remove it yourself.",
        "What is it on?",
        "Which colours? (optional)",
        "About how many square feet? (optional)",
        "When did you see it? (optional)",
    ]
    # Sent without the required answer: it comes back next to the question, nothing typed is lost.
    touch(qtbot, form.description)
    type_on_keyboard(qtbot, form.keyboard, "tags on the door")
    touch(qtbot, form.review_button)
    assert kiosk.flow.step == Step.REPORT_REVIEW
    touch(qtbot, kiosk.report_review.send_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.REPORT_FORM, timeout=5000)
    assert box(kiosk, "where_on").problem.text() == "Please answer this question."
    assert form.description.text() == "Tags on the door"

    touch(qtbot, choice(kiosk, "where_on", "A wall"))
    touch(qtbot, choice(kiosk, "colours", "Red"))
    touch(qtbot, choice(kiosk, "colours", "Blue"))
    touch(qtbot, box(kiosk, "size").field)
    type_on_keyboard(qtbot, form.keyboard, "12")
    touch(qtbot, choice(kiosk, "seen", "Yesterday"))
    touch(qtbot, form.elsewhere_button)
    touch(qtbot, form.address)
    type_on_keyboard(qtbot, form.keyboard, "1221 sw 4th ave")
    touch(qtbot, form.review_button)
    review = [line for _question, line in kiosk.report_review.lines]
    assert review[:6] == ["Graffiti", "A wall", "Red, Blue", "12", "Yesterday", "1221 sw 4th ave"]
    touch(qtbot, kiosk.report_review.send_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.REPORT_DONE, timeout=5000)

    reference = kiosk.report_done.reference.text()
    filed = requests.lookup(sqlite_backend.ctx, reference)
    assert filed.state == RequestState.QUEUED
    assert filed.attributes["where_on"] == "wall" and filed.attributes["colours"] == ["red", "blue"]
    assert filed.attributes["size"] == "12" and filed.attributes["seen"].startswith("2026-11-24T09:00")
    assert (filed.address, filed.description, filed.language) == ("1221 sw 4th ave", "Tags on the door", "en")

    assert sync.sync_once(sqlite_backend.ctx, central).sent == 1  # the network is back
    [(remote_id, sent)] = central.stored
    assert sent.description.endswith(f"Kiosk reference: {reference}")
    touch(qtbot, kiosk.report_done.done_button)
    assert kiosk.flow.step == Step.WELCOME and kiosk.flow.visit.request is None


def test_here_at_the_building_is_the_default_location(qtbot, make_kiosk, sqlite_backend, central):
    kiosk = make_kiosk(building_address="1120 SW 5th Ave, Portland, OR 97204")
    touch(qtbot, kiosk.welcome.language_buttons["vi"])
    touch(qtbot, kiosk.services.report_button)
    qtbot.waitUntil(lambda: bool(kiosk.report.buttons), timeout=5000)
    touch(qtbot, kiosk.report.buttons[1])  # noise: no definition, description and place only
    assert kiosk.report_form.boxes == []
    touch(qtbot, kiosk.report_form.review_button)
    touch(qtbot, kiosk.report_review.send_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.REPORT_DONE, timeout=5000)
    filed = requests.lookup(sqlite_backend.ctx, kiosk.report_done.reference.text())
    assert (filed.address, filed.language) == ("1120 SW 5th Ave, Portland, OR 97204", "vi")


def test_checking_on_a_request_by_typing_or_scanning_its_reference(
    qtbot, make_kiosk, sqlite_backend, central
):
    filed = requests.submit(
        sqlite_backend.ctx, requests.Draft("noise", {}, description="Music"), "es", "1120 SW 5th Ave"
    )
    kiosk = make_kiosk()
    touch(qtbot, kiosk.welcome.language_buttons["es"])
    touch(qtbot, kiosk.services.request_status_button)
    screen = kiosk.request_status
    for char in filed.reference.replace("-", ""):
        touch(qtbot, screen.keyboard.letter_keys[char.lower()])
    touch(qtbot, screen.check_button)
    qtbot.waitUntil(screen.card.isVisible, timeout=5000)
    assert screen.result_state.text() == "En espera de envío"
    sync.sync_once(sqlite_backend.ctx, central)

    touch(qtbot, kiosk.start_over_button)
    for char in [*filed.qr_payload, "\r"]:  # a USB scanner, on the welcome screen
        key = (
            Qt.Key.Key_Return
            if char == "\r"
            else Qt.Key(ord(char.upper()))
            if char.isalnum()
            else Qt.Key.Key_unknown
        )
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(
                kiosk.windowHandle(), QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            )
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.REQUEST_STATUS and screen.card.isVisible(), timeout=5000)
    assert screen.result_state.text() == "Sent to 311 · status: open"
    assert "311 number: 1000" in screen.result_details.text()
    touch(qtbot, kiosk.start_over_button)
    assert screen.field.text() == ""


def test_an_unknown_reference_says_so(qtbot, make_kiosk, central):
    kiosk = make_kiosk()
    touch(qtbot, kiosk.welcome.language_buttons["en"])
    touch(qtbot, kiosk.services.request_status_button)
    screen = kiosk.request_status
    for _ in range(8):
        touch(qtbot, screen.keyboard.letter_keys["a"])
    touch(qtbot, screen.check_button)
    qtbot.waitUntil(screen.error.isVisible, timeout=5000)
    assert screen.error.text() == "No request has the reference AAAA-AAAA."
    assert not screen.card.isVisible()
