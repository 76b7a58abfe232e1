"""Personal data never reaches the log: a visit with a name, a request with contact details, a visitor
signing in and out, a comment and a failing central service all run with every logger at DEBUG."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Qt

from kiosk.services import feedback, queue, requests, sync, visitors
from kiosk.services.ports import Forbidden, RemoteService, Transient
from kiosk.ui.flow import Step
from tests.fakes import FakeOpen311

NAME = "Quillonius"
EMAIL = "quillonius@example.org"
PHONE = "503-555-0199"
SECRETS = (NAME, EMAIL, PHONE, "Maximilla", "Zanzibar Trading")


def test_nothing_personal_is_logged(qtbot, kiosk, sqlite_backend, clock, caplog):
    caplog.set_level(logging.DEBUG)
    ctx = replace(sqlite_backend.ctx, actor="desk1", station="test")

    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    service = next(b for b in kiosk.services.buttons if b.key == "information")
    qtbot.mouseClick(service, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(kiosk.name_screen.field, NAME)
    qtbot.mouseClick(kiosk.name_screen.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    called = queue.call_next(ctx, "1")
    queue.finish(ctx, called.id)
    feedback.rate(ctx, called.id, 5, f"{NAME} was kind")

    central = FakeOpen311(services=[RemoteService("noise", "Noise complaint", metadata=False)])
    sync.refresh_catalogue(ctx, central)
    draft = requests.Draft("noise", {}, description=f"{NAME} here", first_name=NAME, email=EMAIL, phone=PHONE)
    requests.submit(ctx, draft, "en", "here")
    central.faults = [Transient("timed out")]
    sync.sync_once(ctx, central)
    clock.advance(hours=1)
    central.faults = [Forbidden("api key refused", status=403)]
    sync.sync_once(ctx, central)

    visit = visitors.sign_in(
        ctx, name=f"{NAME} Maximilla", host="Water Bureau", organisation="Zanzibar Trading"
    )
    visitors.sign_out(ctx, visit.id)

    logged = "\n".join(
        record.getMessage() + (caplog.text if record.exc_info else "") for record in caplog.records
    )
    assert caplog.records, "the flow logged nothing at all: the check would prove nothing"
    for secret in SECRETS:
        assert secret not in logged, f"{secret!r} reached the log"
