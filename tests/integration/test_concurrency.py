"""Several stations at once: no ticket called twice, none lost, no number handed out twice."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from kiosk.services import checkin, queue
from tests.integration.workers import check_in_many, drain_queue

TICKETS = 60
COUNTERS = 4


def fill_queue(ctx) -> set[int]:
    codes = ["information", "permits", "payments", "accommodation"]
    return {checkin.check_in(ctx, codes[i % len(codes)]).ticket.id for i in range(TICKETS)}


def assert_called_exactly_once(expected: set[int], calls: list[list[int]]) -> None:
    every_call = [ticket_id for worker in calls for ticket_id in worker]
    duplicates = [ticket_id for ticket_id, n in Counter(every_call).items() if n > 1]
    assert duplicates == [], f"called twice: {duplicates}"
    assert set(every_call) == expected, "a ticket was lost"
    assert sum(1 for worker in calls if worker) >= 2, "the work was not shared between counters"


def url_of(backend) -> str:
    return backend.engine.url.render_as_string(hide_password=False)


@pytest.mark.timeout(60)
def test_counters_in_threads_never_share_a_ticket(backend):
    expected = fill_queue(backend.ctx)
    start = threading.Barrier(COUNTERS)
    with ThreadPoolExecutor(COUNTERS) as pool:
        calls = list(pool.map(lambda n: drain_queue(url_of(backend), str(n), start), range(COUNTERS)))
    assert_called_exactly_once(expected, calls)
    assert queue.snapshot(backend.ctx).waiting == []


@pytest.mark.timeout(120)
def test_counters_in_separate_processes_never_share_a_ticket(backend):
    expected = fill_queue(backend.ctx)
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager, spawn.Pool(COUNTERS) as pool:
        start = manager.Barrier(COUNTERS)
        calls = pool.starmap(drain_queue, [(url_of(backend), str(n), start) for n in range(COUNTERS)])
    assert_called_exactly_once(expected, calls)


@pytest.mark.timeout(120)
def test_kiosks_checking_in_at_once_never_hand_out_a_number_twice(backend):
    kiosks, each = 4, 15
    codes = ["information", "permits"] * (each // 2) + ["information"]
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(kiosks) as pool:
        handed_out = pool.starmap(check_in_many, [(url_of(backend), codes) for _ in range(kiosks)])
    numbers = [number for kiosk in handed_out for number in kiosk]
    assert len(numbers) == kiosks * each
    assert len(set(numbers)) == len(numbers), "a number was handed out twice"
    a_numbers = sorted(n for n in numbers if n.startswith("A"))
    assert a_numbers == [f"A{i:03d}" for i in range(1, len(a_numbers) + 1)], "numbers must have no gaps"
    assert len(queue.snapshot(backend.ctx).waiting) == kiosks * each
