"""Requests filed at the kiosk and their delivery, on SQLite and PostgreSQL, against a scripted service."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest

from kiosk.domain.requests import InvalidAnswers, RequestClosed, RequestNotFound, RequestState
from kiosk.services import requests, sync
from kiosk.services.ports import (
    AttributeValue,
    Forbidden,
    Rejected,
    RemoteService,
    ServiceAttribute,
    ServiceDefinition,
    Transient,
    Uncertain,
)
from tests.fakes import FakeOpen311

ADDRESS = "1120 SW 5th Ave, Portland, OR 97204"
DEFINITION = ServiceDefinition(
    "graffiti",
    (
        ServiceAttribute("where_on", "singlevaluelist", "Where is it?", required=True, order=1,
                         values=(AttributeValue("wall", "Wall"), AttributeValue("sign", "Sign"))),
        ServiceAttribute("colours", "multivaluelist", "Colours", order=2,
                         values=(AttributeValue("red", "Red"), AttributeValue("blue", "Blue"))),
        ServiceAttribute("size", "number", "Size in square feet", order=3),
        ServiceAttribute("note", "text", "Please do not touch it", variable=False, order=0),
    ),
)  # fmt: skip


@pytest.fixture
def central():
    return FakeOpen311(
        services=[
            RemoteService("graffiti", "Graffiti", metadata=True),
            RemoteService("noise", "Noise complaint", metadata=False, type="batch"),
        ],
        definitions={"graffiti": DEFINITION},
    )


@pytest.fixture
def ctx(backend, central):
    sync.refresh_catalogue(backend.ctx, central)
    return backend.ctx


def draft(**overrides) -> requests.Draft:
    values = {
        "service_code": "graffiti",
        "answers": {"where_on": "wall", "colours": ["red", "blue"], "size": "12"},
        "description": "Tags on the north wall\nnear the entrance",
    }
    values.update(overrides)
    return requests.Draft(**values)


def file(ctx, **overrides):
    return requests.submit(ctx, draft(**overrides), "vi", ADDRESS)


def test_the_catalogue_is_kept_for_offline_use_in_the_definition_s_order(ctx):
    offered = requests.offered(ctx)
    assert [o.service.code for o in offered] == ["graffiti", "noise"]
    assert [f.code for f in offered[0].fields] == ["note", "where_on", "colours", "size"]
    assert offered[1].definition.attributes == ()


def test_filing_keeps_the_request_queued_with_a_reference_and_nothing_is_sent_yet(ctx, central):
    filed = file(ctx)
    assert filed.state == RequestState.QUEUED and len(filed.reference) == 9
    assert filed.address == ADDRESS  # "here at the building"
    assert filed.description == "Tags on the north wall\nnear the entrance"
    assert requests.lookup(ctx, f"kiosk-request:{filed.reference.replace('-', '').lower()}").id == filed.id
    assert central.stored == []
    with pytest.raises(RequestNotFound):
        requests.lookup(ctx, "AAAA-AAAA")


def test_answers_that_do_not_fit_the_definition_are_refused_field_by_field(ctx):
    with pytest.raises(InvalidAnswers) as refused:
        file(ctx, answers={"colours": ["green"], "size": "a lot", "invented": "x"})
    assert refused.value.problems == {
        "where_on": "Please answer this question.",
        "colours": "Please choose one of the answers offered.",
        "size": "Please enter a number.",
        "invented": "Please choose one of the answers offered.",
    }
    assert sync.status(ctx)[1] == {}  # nothing was kept


def test_delivery_sends_each_request_once_with_its_reference(ctx, central):
    first, second = file(ctx), file(ctx, description="")
    report = sync.sync_once(ctx, central, device_id="kiosk-1")
    assert (report.sent, report.retried) == (2, 0)
    assert len(central.stored) == 2
    sent = central.stored[0][1]
    assert sent.attributes == {"where_on": "wall", "colours": ["red", "blue"], "size": "12"}
    assert sent.description.endswith(f"Kiosk reference: {first.reference}")
    assert central.stored[1][1].description == f"Kiosk reference: {second.reference}"
    assert sent.device_id == "kiosk-1" and sent.address_string == ADDRESS
    done = requests.lookup(ctx, first.reference)
    assert (done.state, done.remote_id, done.in_flight) == (RequestState.SENT, "1000", False)
    assert sync.sync_once(ctx, central).sent == 0  # nothing twice


def test_a_server_error_backs_off_honouring_retry_after(ctx, central, clock):
    filed = file(ctx)
    central.faults = [Transient("busy", status=503, retry_after=120)]
    report = sync.sync_once(ctx, central, rng=random.Random(1))
    assert (report.sent, report.retried) == (0, 1)
    waiting = requests.lookup(ctx, filed.reference)
    assert waiting.state == RequestState.QUEUED and waiting.next_attempt_at >= clock.now() + timedelta(
        seconds=120
    )
    assert sync.sync_once(ctx, central).sent == 0  # not due yet
    clock.advance(seconds=121)
    assert sync.sync_once(ctx, central).sent == 1


def test_an_answer_lost_after_the_server_stored_it_is_found_not_filed_twice(ctx, central, clock):
    filed = file(ctx)
    central.faults = [("after", Uncertain("connection dropped"))]
    assert sync.sync_once(ctx, central).retried == 1
    assert requests.lookup(ctx, filed.reference).in_flight
    clock.advance(minutes=20)
    report = sync.sync_once(ctx, central)
    assert (report.sent, report.reconciled) == (0, 1)
    assert len(central.stored) == 1
    assert requests.lookup(ctx, filed.reference).remote_id == "1000"


def test_an_attempt_that_never_arrived_is_sent_again_after_looking(ctx, central, clock):
    file(ctx)
    central.faults = [Uncertain("timed out")]
    sync.sync_once(ctx, central)
    clock.advance(minutes=20)
    report = sync.sync_once(ctx, central)
    assert (report.sent, report.reconciled) == (1, 0)
    assert central.calls.count("find graffiti") == 1 and len(central.stored) == 1


def test_a_refusal_waits_for_staff_who_fix_and_resend_or_cancel(ctx, central):
    refused, other = file(ctx), file(ctx)
    central.faults = [Rejected("address_string: not in the city", status=400)]
    report = sync.sync_once(ctx, central)
    assert (report.refused, report.sent) == (1, 1)
    problem = requests.lookup(ctx, refused.reference)
    assert problem.state == RequestState.NEEDS_PERSON and "not in the city" in problem.last_error
    assert [r.reference for r in requests.outbox(ctx)][0] == refused.reference  # shown first
    requests.resend(ctx, problem.id, address="1221 SW 4th Ave, Portland")
    assert sync.sync_once(ctx, central).sent == 1
    assert central.stored[-1][1].address_string == "1221 SW 4th Ave, Portland"
    with pytest.raises(RequestClosed):
        requests.cancel(ctx, requests.lookup(ctx, other.reference).id)  # at the city already


def test_a_refused_api_key_pauses_delivery_until_an_admin_resumes(ctx, central, clock):
    filed = file(ctx)
    central.faults = [Forbidden("bad api key", status=403)]
    assert sync.sync_once(ctx, central).paused
    state, counts = sync.status(ctx)
    assert state.paused(clock.now()) and "bad api key" in state.paused_reason
    assert counts == {RequestState.QUEUED: 1}
    assert sync.sync_once(ctx, central).paused and central.calls.count("create graffiti") == 1
    sync.resume(ctx)
    assert sync.sync_once(ctx, central).sent == 1
    assert requests.lookup(ctx, filed.reference).state == RequestState.SENT
    assert sync.status(ctx)[0].last_success_at == clock.now()


def test_a_batch_service_token_becomes_an_id_later(ctx, central):
    central.batch_codes = {"noise"}
    filed = requests.submit(ctx, requests.Draft("noise", {}, description="Music at 3 am"), "en", ADDRESS)
    sync.sync_once(ctx, central)
    token = requests.lookup(ctx, filed.reference).token
    assert token and requests.lookup(ctx, filed.reference).remote_id is None
    sync.sync_once(ctx, central)
    assert requests.lookup(ctx, filed.reference).remote_id is None  # not made yet
    central.tokens[token] = "2001"
    assert sync.sync_once(ctx, central).tokens_resolved == 1
    assert requests.lookup(ctx, filed.reference).remote_id == "2001"


def test_workers_on_several_kiosks_never_send_one_request_twice(backend, central):
    sync.refresh_catalogue(backend.ctx, central)
    for _ in range(30):
        file(backend.ctx)
    go = threading.Barrier(4)

    def worker():
        go.wait()
        sync.sync_once(backend.ctx, central)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    descriptions = [r.description for _id, r in central.stored]
    assert len(descriptions) == 30 == len(set(descriptions))
    assert sync.status(backend.ctx)[1] == {RequestState.SENT: 30}


def test_a_slow_server_never_outlasts_a_claim_so_no_other_worker_could_send_the_same_request(
    ctx, central, clock
):
    filed = [file(ctx) for _ in range(5)]
    create = central.create
    leases_at_send = []

    def slow_create(request):
        reference = request.description.rsplit(" ", 1)[-1]
        leases_at_send.append(requests.lookup(ctx, reference).lease_until - clock.now())
        clock.advance(minutes=1)  # a minute per answer: the 2-minute lease holds two calls at most
        return create(request)

    central.create = slow_create
    report = sync.sync_once(ctx, central)
    assert report.sent == 5 and len(central.stored) == 5
    # Every call started with at least the 30 s a call may take left on its lease: another worker could
    # not have claimed the request meanwhile. The batch was claimed again (a fresh lease) as it ran out.
    assert min(leases_at_send) >= timedelta(seconds=30)
    assert all(requests.lookup(ctx, f.reference).state == RequestState.SENT for f in filed)


def test_what_the_city_says_of_a_sent_request_is_fetched_for_the_visitor(ctx, central, clock):
    from kiosk.services.ports import RemoteRequest

    filed = file(ctx)
    sync.sync_once(ctx, central)
    assert requests.lookup(ctx, filed.reference).remote_status == "open"
    original_find = central.find

    def find_closed(**filters):
        return [
            RemoteRequest(r.service_request_id, status="closed", status_notes="Removed by the graffiti crew")
            for r in original_find(**filters)
        ]

    central.find = find_closed
    sync.sync_once(ctx, central)
    assert requests.lookup(ctx, filed.reference).remote_status == "open"  # asked again only after a while
    clock.advance(minutes=11)
    report = sync.sync_once(ctx, central)
    assert report.statuses_updated == 1
    seen = requests.lookup(ctx, filed.reference)
    assert (seen.remote_status, seen.remote_status_notes) == ("closed", "Removed by the graffiti crew")
    clock.advance(minutes=30)
    central.calls.clear()
    sync.sync_once(ctx, central)
    assert not [c for c in central.calls if c.startswith("find")]  # closed: not asked again
