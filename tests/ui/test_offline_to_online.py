"""The network is down: a visitor files a report at the kiosk; the central service comes back; the
console shows it sent. Real widgets, a real HTTP server on 127.0.0.1, the real sync worker thread."""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt

from kiosk.domain.requests import RequestState
from kiosk.open311.client import HttpOpen311Client
from kiosk.open311.dev_server import DevServer
from kiosk.services import requests, sync
from kiosk.services.sync import SyncWorker
from kiosk.ui.flow import Step


def touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_report_filed_offline_is_sent_when_the_service_comes_back(
    qtbot, make_settings, make_kiosk, make_console, tmp_path
):
    from kiosk.app import build_backend

    backend = build_backend(make_settings())  # the real clock: the server stamps real times
    port = free_port()
    server_db = tmp_path / "central.sqlite3"
    with DevServer(server_db, port=port) as server:  # reached once: the catalogue is kept
        url, key = server.url, server.api_key
        sync.refresh_catalogue(backend.ctx, HttpOpen311Client(url, key, timeout=2))
    client = HttpOpen311Client(url, key, timeout=2)
    worker = SyncWorker(backend.ctx, client, interval=0.2, catalogue_every=3600)
    worker.start()
    try:
        kiosk = make_kiosk(ctx=backend.ctx)
        console = make_console(ctx=backend.ctx)
        kiosk.request_filed.connect(lambda _request: worker.wake())
        console.tabs.setCurrentWidget(console.outbox_panel)

        touch(qtbot, kiosk.welcome.language_buttons["es"])
        touch(qtbot, kiosk.services.report_button)
        qtbot.waitUntil(lambda: bool(kiosk.report.buttons), timeout=5000)
        meter = next(b for b in kiosk.report.buttons if b.key == "PARKING_METER")
        touch(qtbot, meter)
        touch(qtbot, kiosk.report_form.description)
        for char in "no funciona":
            key = (
                kiosk.report_form.keyboard.space_key
                if char == " "
                else kiosk.report_form.keyboard.letter_keys[char]
            )
            touch(qtbot, key)
        touch(qtbot, kiosk.report_form.review_button)
        touch(qtbot, kiosk.report_review.send_button)
        qtbot.waitUntil(lambda: kiosk.flow.step == Step.REPORT_DONE, timeout=5000)
        reference = kiosk.report_done.reference.text()

        # Offline: the worker tries, the request waits, the console says so.
        qtbot.waitUntil(
            lambda: worker.last_report is not None and bool(worker.last_report.error), timeout=10_000
        )
        qtbot.waitUntil(lambda: console.central.text().startswith("311: offline"), timeout=10_000)
        filed = requests.lookup(backend.ctx, reference)
        assert filed.state == RequestState.QUEUED and filed.attempts >= 1

        with DevServer(server_db, port=port) as server:  # the central service is back
            worker.wake()
            qtbot.waitUntil(lambda: server.stored_count() == 1, timeout=15_000)
            qtbot.waitUntil(lambda: console.central.text() == "311: online", timeout=10_000)

            def shown_sent() -> bool:
                table = console.outbox_panel.table
                rows = [
                    [table.item(r, c).text() for c in range(table.columnCount())]
                    for r in range(table.rowCount())
                ]
                return any(row[0] == reference and "Sent to 311" in row for row in rows)

            qtbot.waitUntil(shown_sent, timeout=10_000)
            [stored] = server.stored()
            assert stored.description.startswith("No funciona")
            assert stored.description.endswith(f"Kiosk reference: {reference}")
            assert requests.lookup(backend.ctx, reference).remote_id
    finally:
        worker.stop()
        client.close()
        backend.dispose()
