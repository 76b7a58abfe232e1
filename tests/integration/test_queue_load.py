"""Several stations on one PostgreSQL: 8 consoles calling, 4 kiosks checking in, 2 displays following.

Short by default (KIOSK_LOAD_SECONDS=6); ``KIOSK_LOAD_SECONDS=300`` runs the lobby for five minutes.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from kiosk.services import queue
from tests.integration.queue_load import run_load
from tests.integration.workers import context

SECONDS = float(os.environ.get("KIOSK_LOAD_SECONDS", "6"))


@pytest.mark.postgres
@pytest.mark.timeout(int(SECONDS) + 180)
def test_a_busy_lobby_calls_every_ticket_once_and_the_displays_keep_up(pg_url):
    from kiosk.app import build_backend
    from kiosk.settings import load_settings

    # The schema and the services, as the first station to start would make them.
    build_backend(load_settings(environ={}, database_url=pg_url)).dispose()
    report = run_load(pg_url, SECONDS)

    duplicates = [ticket_id for ticket_id, n in Counter(report.called_ids).items() if n > 1]
    assert duplicates == [], f"called twice: {duplicates}"
    expected = report.prefilled | set(report.issued)
    assert len(report.issued) >= 4 * SECONDS, "the kiosks hardly checked anyone in"
    assert set(report.called_ids) == expected, (
        f"lost: {sorted(expected - set(report.called_ids))[:20]}, unknown: {sorted(set(report.called_ids) - expected)[:20]}"
    )
    ctx, engine = context(pg_url)
    try:
        assert queue.snapshot(ctx).waiting == []
    finally:
        engine.dispose()

    assert len(report.lags) == 2
    calls = len(report.calls)
    for seen in report.lags:
        # Every call a visitor had time to see was on the screen (the drain at the end is too fast).
        assert len(seen) >= report.shown_calls, (
            f"a display announced {len(seen)} of {report.shown_calls} calls"
        )
    p50, p95, worst = report.lag_percentiles()
    print(
        f"\n{calls} calls, {len(report.issued)} check-ins in {report.elapsed:.1f} s; "
        f"display lag p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
    )
    assert p95 < 1.0, f"display lag p95 {p95:.2f} s"
