"""The Open311 client against the development server over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from kiosk.open311 import HttpOpen311Client
from kiosk.open311.dev_faults import Fault
from kiosk.open311.dev_server import DevServer
from kiosk.open311.errors import BODY_LIMIT, retry_after
from kiosk.services.ports import Forbidden, NewRequest, Rejected, Transient, Uncertain
from tests.open311.conftest import CLIENT_TIMEOUT, graffiti


# -- every call, every datatype --------------------------------------------------------------------
def test_services_list_the_city_catalogue(client):
    services = {s.code: s for s in client.services()}
    assert {"GRAFFITI", "ABANDONED_VEHICLE", "SIDEWALK_HAZARD", "NOISE", "STREET_MAINTENANCE"} <= set(
        services
    )
    assert {"ILLEGAL_DUMPING", "ACCOMMODATION"} <= set(services)
    assert services["ACCOMMODATION"].type == "batch"
    assert services["GRAFFITI"].metadata is True and services["PARKING_METER"].metadata is False
    assert "vandalism" in services["GRAFFITI"].keywords
    assert services["ACCOMMODATION"].group == "Request"


def test_definitions_cover_every_datatype_in_order(client):
    attributes = [a for s in client.services() if s.metadata for a in client.definition(s.code).attributes]
    assert {a.datatype for a in attributes} == {
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    }
    graffiti_def = client.definition("GRAFFITI")
    assert [a.order for a in graffiti_def.attributes] == sorted(a.order for a in graffiti_def.attributes)
    note, surface = graffiti_def.attributes[0], graffiti_def.attributes[1]
    assert note.variable is False and surface.required is True
    assert ("building", "Building wall") in [(v.key, v.name) for v in surface.values]
    assert any(not a.required for a in graffiti_def.attributes if a.variable)


def test_a_service_without_definition_is_rejected(client):
    with pytest.raises(Rejected) as caught:
        client.definition("PARKING_METER")
    assert caught.value.status == 404


def test_create_round_trip_of_every_datatype(client, server):
    created = client.create(
        NewRequest(
            service_code="ABANDONED_VEHICLE",
            attributes={
                "KIND": "rv",
                "PLATE": "ABC 123",
                "DAYS": "12",
                "FIRST_SEEN": "2026-11-14T08:30:00-08:00",
            },
            lat=45.514862,
            long=-122.679427,
            description="Seit zwei Wochen — Tết — 已經兩週 [ref K1-0042]",
            first_name="Ana",
            email="ana@example.org",
        )
    )
    assert created.service_request_id and created.token is None and created.service_notice
    hazard = client.create(
        NewRequest(
            service_code="SIDEWALK_HAZARD",
            attributes={
                "HAZARD": ["roots", "broken"],
                "BLOCKS_WHEELCHAIR": "yes",
                "DETAILS": "Line one\nline two & more",
            },
            address_string="SW 4th Ave & Main St",
        )
    )
    vehicle, sidewalk = server.stored()
    assert vehicle.service_request_id == created.service_request_id
    assert vehicle.description == "Seit zwei Wochen — Tết — 已經兩週 [ref K1-0042]"
    assert vehicle.attributes == {
        "KIND": "rv",
        "PLATE": "ABC 123",
        "DAYS": "12",
        "FIRST_SEEN": "2026-11-14T08:30:00-08:00",
    }
    assert (vehicle.lat, vehicle.long) == (45.514862, -122.679427)
    assert vehicle.values("first_name") == ["Ana"] and vehicle.values("email") == ["ana@example.org"]
    assert vehicle.values("phone") == []  # empty optional fields are not sent at all
    # the multivaluelist reached the server as attribute[CODE][]=v1&attribute[CODE][]=v2
    assert sidewalk.service_request_id == hazard.service_request_id
    assert sidewalk.values("attribute[HAZARD][]") == ["roots", "broken"]
    assert "attribute%5BHAZARD%5D%5B%5D=roots&attribute%5BHAZARD%5D%5B%5D=broken" in sidewalk.raw_body
    assert sidewalk.attributes["DETAILS"] == "Line one\nline two & more"
    assert sidewalk.values("api_key") == [server.api_key]
    content_type = server.calls_of("create")[-1].headers["content-type"]
    assert content_type == "application/x-www-form-urlencoded; charset=utf-8"


def test_request_and_find_with_filters(client, server):
    first = client.create(graffiti()).service_request_id
    second = client.create(
        NewRequest("STREET_MAINTENANCE", {"PROBLEM": "pothole", "SIZE": "14"}, address_string="SE Powell")
    ).service_request_id
    server.set_status(first, "closed", "Removed by the graffiti crew")

    one = client.request(first)
    assert one is not None and one.status == "closed" and one.status_notes == "Removed by the graffiti crew"
    assert one.description == "Tag on the east wall [ref K1-0001]"
    assert one.requested_datetime is not None and one.requested_datetime.tzinfo is not None
    assert client.request("999999") is None

    assert {r.service_request_id for r in client.find(ids=[first, second])} == {first, second}
    assert [r.service_request_id for r in client.find(service_code="STREET_MAINTENANCE")] == [second]
    now = datetime.now(UTC)
    window = client.find(start=now - timedelta(hours=1), end=now + timedelta(hours=1))
    assert {r.service_request_id for r in window} == {first, second}
    assert client.find(start=now + timedelta(hours=1), end=now + timedelta(hours=2)) == []
    assert [r.service_request_id for r in client.find(status="open")] == [second]
    with pytest.raises(Rejected):  # more than 90 days apart
        client.find(start=now - timedelta(days=120), end=now)
    query = dict(server.calls_of("find")[2].query)
    assert query["start_date"].endswith("Z") and "T" in query["start_date"]


def test_batch_service_answers_a_token_that_resolves_after_polls(client, server):
    created = client.create(
        NewRequest(
            "ACCOMMODATION",
            {"NEEDS": ["asl", "large_print"], "WHEN": "2026-12-03T14:00:00-08:00", "EVENT": "City Council"},
            address_string="1221 SW 4th Ave",
        )
    )
    assert created.service_request_id is None and created.token
    assert client.find(service_code="ACCOMMODATION") == []  # not made yet
    assert client.resolve_token(created.token) is None
    assert client.resolve_token(created.token) is None
    request_id = client.resolve_token(created.token)
    assert request_id == server.stored()[0].service_request_id
    assert client.request(request_id) is not None
    assert client.resolve_token("no-such-token") is None


def test_batch_token_can_resolve_after_a_delay(tmp_path):
    with DevServer(tmp_path / "db.sqlite3", batch_polls=0, batch_seconds=0.3) as server:
        client = HttpOpen311Client(server.url, server.api_key, timeout=CLIENT_TIMEOUT)
        created = client.create(
            NewRequest(
                "ACCOMMODATION",
                {"NEEDS": ["interpreter"], "LANGUAGE": "vi", "WHEN": "2026-12-03T14:00", "EVENT": "Budget"},
                address_string="1221 SW 4th Ave",
            )
        )
        assert client.resolve_token(created.token) is None
        threading.Event().wait(0.35)
        assert client.resolve_token(created.token) == server.stored()[0].service_request_id
        client.close()


def test_jurisdiction_on_every_call_and_api_key_only_on_create(tmp_path):
    with DevServer(tmp_path / "db.sqlite3", jurisdiction_id="portland.gov", api_key="s3cret") as server:
        with HttpOpen311Client(server.url, "s3cret", jurisdiction_id="portland.gov", timeout=1) as client:
            client.services()
            client.definition("NOISE")
            created = client.create(
                NewRequest(
                    "ACCOMMODATION",
                    {"NEEDS": ["captioning"], "WHEN": "2026-12-03T14:00:00Z", "EVENT": "Hearing"},
                    lat=45.5,
                    long=-122.6,
                )
            )
            client.resolve_token(created.token)
            client.find(service_code="NOISE")
            client.request("1001")
        assert {c.name for c in server.calls} == {
            "services",
            "definition",
            "create",
            "token",
            "find",
            "request",
        }
        for call in server.calls:
            sent = dict(call.form if call.method == "POST" else call.query)
            assert sent.get("jurisdiction_id") == "portland.gov", call
            assert ("api_key" in sent) == (call.name == "create"), call
        assert server.stored()[0].jurisdiction_id == "portland.gov"
        # one kept-alive connection for every call
        assert len({c.peer for c in server.calls}) == 1
        wrong = HttpOpen311Client(server.url, "s3cret", jurisdiction_id="elsewhere", timeout=1)
        with wrong, pytest.raises(Rejected):
            wrong.services()


# -- what the server refuses ------------------------------------------------------------------------
def test_missing_required_attribute_is_rejected_with_the_servers_words(client, server):
    with pytest.raises(Rejected) as caught:
        client.create(graffiti(attributes={"OFFENSIVE": "no"}))
    assert caught.value.status == 400
    assert "attribute[SURFACE] is required" in str(caught.value)
    assert "attribute[SURFACE] is required" in caught.value.body
    assert server.stored_count() == 0


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (graffiti(attributes={"SURFACE": "moon"}), "must be one of"),
        (graffiti(attributes={"SURFACE": "sign", "AREA": "lots"}), "must be a number"),
        (
            NewRequest("NOISE", {"SOURCE": "music", "STARTED": "last night"}, address_string="x"),
            "ISO 8601",
        ),
        (
            NewRequest("SIDEWALK_HAZARD", {"HAZARD": "roots", "BLOCKS_WHEELCHAIR": "no"}, address_string="x"),
            "[]",
        ),
        (graffiti(address_string=""), "location is required"),
        (graffiti(service_code="UFO"), "not a service"),
    ],
)
def test_bad_values_are_rejected(client, request_, words):
    with pytest.raises(Rejected) as caught:
        client.create(request_)
    assert words in str(caught.value)


def test_a_wrong_api_key_is_forbidden(server):
    client = HttpOpen311Client(server.url, "not-the-key", timeout=CLIENT_TIMEOUT)
    with client, pytest.raises(Forbidden) as caught:
        client.create(graffiti())
    assert caught.value.status == 403 and server.stored_count() == 0


# -- faults: each maps to the kind that tells the sync worker what to do -----------------------------
@pytest.mark.parametrize(
    ("fault", "kind", "stored"),
    [
        ("drop_after_store", Uncertain, 1),
        ("drop_before_store", Uncertain, 0),  # the client cannot tell the two apart
        ("timeout_after_store", Uncertain, 1),
        ("timeout_before_store", Uncertain, 0),
        ("malformed", Uncertain, 1),
        ("502", Uncertain, 0),  # a gateway's error: the origin may have stored it
        ("504", Uncertain, 0),
        ("500", Transient, 0),
        ("503", Transient, 0),
        ("429", Transient, 0),
        ("403", Forbidden, 0),
        ("400", Rejected, 0),
    ],
)
def test_each_fault_on_create_maps_to_its_kind(client, server, fault, kind, stored):
    server.faults.script("create", [fault])
    with pytest.raises(kind) as caught:
        client.create(graffiti())
    assert type(caught.value) is kind
    assert server.stored_count() == stored
    assert client.create(graffiti()).service_request_id  # the next call goes through on the same client
    assert server.stored_count() == stored + 1


def test_retry_after_in_seconds_and_as_a_date(client, server):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    server.faults.script("create", [Fault("503", retry_after="7"), Fault("429", retry_after=later)])
    with pytest.raises(Transient) as caught:
        client.create(graffiti())
    assert caught.value.retry_after == 7 and caught.value.status == 503
    with pytest.raises(Transient) as caught:
        client.create(graffiti())
    assert caught.value.status == 429 and 100 < caught.value.retry_after <= 120


def test_retry_after_parsing():
    now = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert retry_after("30", now) == 30
    assert retry_after("Wed, 25 Nov 2026 17:01:00 GMT", now) == 60
    assert retry_after("Wed, 25 Nov 2026 16:00:00 GMT", now) == 0
    assert retry_after("soon", now) is None and retry_after(None) is None


def test_faults_on_reads_are_transient_never_uncertain(client, server):
    server.faults.script("services", ["drop_after_store"])
    server.faults.script("find", ["timeout_before_store", Fault("malformed", body="<html>portal</html>")])
    with pytest.raises(Transient) as caught:
        client.services()
    assert not isinstance(caught.value, Uncertain)
    for _ in range(2):
        with pytest.raises(Transient) as caught:
            client.find(service_code="GRAFFITI")
        assert not isinstance(caught.value, Uncertain)
    assert caught.value.body == "<html>portal</html>"


def test_a_slow_answer_within_the_timeout_arrives(client, server):
    server.faults.script("create", [Fault("slow", seconds=0.2)])
    assert client.create(graffiti()).service_request_id


def test_connection_refused_is_transient(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpOpen311Client(f"http://127.0.0.1:{port}/open311/v2", "k", timeout=CLIENT_TIMEOUT)
    with client, pytest.raises(Transient) as caught:
        client.create(graffiti())
    assert type(caught.value) is Transient


def test_random_faults_with_a_seed(client, server):
    server.faults.randomly("create", {"503": 0.4, "drop_after_store": 0.2}, seed=11)
    outcomes = []
    for _ in range(20):
        try:
            client.create(graffiti())
            outcomes.append("ok")
        except Uncertain:
            outcomes.append("uncertain")
        except Transient:
            outcomes.append("transient")
    assert {"ok", "uncertain", "transient"} == set(outcomes)
    assert server.stored_count() == outcomes.count("ok") + outcomes.count("uncertain")


def test_one_client_from_several_threads(client, server):
    errors = []

    def send():
        try:
            for _ in range(5):
                client.create(graffiti())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=send) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == [] and server.stored_count() == 20
    assert len({r.service_request_id for r in server.stored()}) == 20


# -- servers that differ from the text -------------------------------------------------------------
def test_numeric_ids_string_booleans_sparse_answers_and_201(tmp_path):
    quirks = ("numeric_ids", "string_booleans", "sparse", "status_201")
    server = DevServer(tmp_path / "db.sqlite3", quirks=quirks, batch_polls=0)
    with server, HttpOpen311Client(server.url, server.api_key, timeout=1) as client:
        services = {s.code: s for s in client.services()}
        assert services["GRAFFITI"].metadata is True and services["PARKING_METER"].metadata is False
        assert services["GRAFFITI"].description == "" and services["GRAFFITI"].keywords == ()
        definition = client.definition("GRAFFITI")
        assert definition.attributes[0].variable is False and definition.attributes[1].required is True
        assert definition.attributes[2].variable is True  # left out: true by default
        created = client.create(graffiti())
        assert created.service_request_id == "1001" and created.service_notice == ""
        token = client.create(
            NewRequest(
                "ACCOMMODATION",
                {"NEEDS": ["asl"], "WHEN": "2026-12-03T14:00Z", "EVENT": "x"},
                lat=1,
                long=1,
            )
        ).token
        assert token and token.isdigit()
        assert client.resolve_token(token) == "1002"
        assert [r.service_request_id for r in client.find(ids=["1001", "1002"])] == ["1001", "1002"]
        assert client.request("1001").service_request_id == "1001"


@pytest.mark.parametrize(
    ("quirk", "shown"),
    [
        ("object_errors", "attribute[SURFACE] is required"),
        ("html_errors", "Error 400 attribute[SURFACE] is required"),
    ],
)
def test_error_bodies_as_objects_and_html_pages(client, server, quirk, shown):
    server.quirks.add(quirk)
    with pytest.raises(Rejected) as caught:
        client.create(graffiti(attributes={}))
    assert shown in str(caught.value)
    assert "<" not in str(caught.value)


def test_an_html_error_page_on_503_is_kept_for_staff_but_cut_short(client, server):
    page = "<html><head><title>503</title></head><body><h1>Maintenance</h1>" + "x" * 20_000 + "</body></html>"
    server.faults.script("create", [Fault("503", body=page, content_type="text/html")])
    with pytest.raises(Transient) as caught:
        client.create(graffiti())
    assert "Maintenance" in str(caught.value) and len(str(caught.value)) < 400
    assert caught.value.body.startswith("<html>") and len(caught.value.body) <= BODY_LIMIT + 10


def test_an_error_array_sent_with_200_is_a_rejection(client, server):
    body = '[{"code": "INVALID_ATTRIBUTE", "description": "SURFACE unknown"}]'
    server.faults.script("create", [Fault("malformed", body=body)])
    with pytest.raises(Rejected) as caught:
        client.create(graffiti())
    assert "SURFACE unknown" in str(caught.value)


# -- TLS ----------------------------------------------------------------------------------------------
def test_tls_certificates_are_verified_by_default(tmp_path):
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with DevServer(tmp_path / "db.sqlite3", tls=context) as server:
        assert server.url.startswith("https://")
        client = HttpOpen311Client(server.url, server.api_key, timeout=2)
        with client, pytest.raises(Transient) as caught:
            client.services()
        assert "certificate" in str(caught.value)
        trusted = ssl.create_default_context(cafile=str(cert))
        with HttpOpen311Client(server.url, server.api_key, timeout=2, verify=trusted) as client:
            assert client.services()


# -- the server as its own process -------------------------------------------------------------------
def test_the_server_as_a_subprocess(tmp_path):
    from kiosk.open311.dev_server import DevServerProcess

    with (
        DevServerProcess(db_path=tmp_path / "db.sqlite3") as process,
        HttpOpen311Client(process.url, "dev-key", timeout=CLIENT_TIMEOUT) as client,
    ):
        process.faults(call="create", script=["drop_after_store", {"kind": "503", "retry_after": "3"}])
        with pytest.raises(Uncertain):
            client.create(graffiti())
        with pytest.raises(Transient) as caught:
            client.create(graffiti())
        assert caught.value.retry_after == 3
        created = client.create(graffiti())
        assert process.stored_count() == 2
        stored = process.stored()
        assert stored[-1]["service_request_id"] == created.service_request_id
        assert stored[-1]["description"] == "Tag on the east wall [ref K1-0001]"
        process.set_status(created.service_request_id, "closed", "done")
        assert client.request(created.service_request_id).status == "closed"
    assert (tmp_path / "db.sqlite3").exists()
