import json

import pytest

from kiosk.resources import REQUIRED_LOCALES, ResourceError, load_queue_services


def test_shipped_services_cover_the_front_desk_and_every_language():
    services = load_queue_services()
    codes = {s.code for s in services}
    assert {"information", "permits", "payments", "parking", "accommodation", "bureau", "other"} <= codes
    for service in services:
        for locale in REQUIRED_LOCALES:
            assert service.names[locale] and service.descriptions[locale]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"prefix": "A", "names": {}}, "services[0]: missing field 'code'"),
        ({"code": "x", "prefix": "AB", "names": {"en": "X"}}, "services[0].prefix"),
        ({"code": "x", "prefix": "A", "names": {"en": "X"}}, "services[0].names.es: missing translation"),
    ],
)
def test_a_broken_entry_names_the_file_and_field(tmp_path, entry, message):
    path = tmp_path / "services.json"
    path.write_text(json.dumps({"services": [entry]}), encoding="utf-8")
    with pytest.raises(ResourceError) as error:
        load_queue_services(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_malformed_json_is_a_clear_error(tmp_path):
    path = tmp_path / "services.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ResourceError) as error:
        load_queue_services(path)
    assert str(path) in str(error.value)
