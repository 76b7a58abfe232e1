"""A visitor finds city information at the kiosk: searching on the touch keyboard, browsing, the answer,
and from it a ticket, a report, a printout or speech."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from kiosk.services import lookup, sync
from kiosk.services.ports import RemoteService
from kiosk.ui.flow import Step
from tests.fakes import FakeOpen311, FakeSpeaker

LANGS = ("en", "es", "vi", "zh_Hant", "ru")


def texts(**by_language) -> dict[str, str]:
    return {lang: by_language.get(lang, by_language["en"]) for lang in LANGS}


CATALOGUE = {
    "bureaus": [
        {
            "id": "zz-bureau",
            "names": texts(en="Bureau of Bananas", es="Oficina de Plátanos"),
            "location": texts(en="1900 SW 4th Ave, Room 5000"),
            "hours": texts(en="Monday to Friday, 8 a.m. to 5 p.m.", es="De lunes a viernes, de 8 a 17"),
            "phone": "503-823-0000",
            "url": "https://www.portland.gov/bananas",
        }
    ],
    "entries": [
        {
            "id": "apply-zz-permit",
            "kind": "apply",
            "titles": texts(
                en="Banana stand permit", es="Permiso de puesto de plátanos", vi="Giấy phép quầy chuối"
            ),
            "summaries": texts(
                en="A permit to sell bananas on the sidewalk.", es="Un permiso para vender plátanos."
            ),
            "keywords": {"en": ["zzbanana", "fruit stand"], "es": ["platano"]},
            "bureau": "zz-bureau",
            "front_desk": "permits",
            "url": "",
            "emergency": False,
        },
        {
            "id": "pay-zz-fee",
            "kind": "pay",
            "titles": texts(en="Zz banana fee"),
            "summaries": texts(en="Pay the yearly banana fee."),
            "keywords": {"en": ["zzfee"]},
            "bureau": None,
            "front_desk": "payments",
            "url": "",
            "emergency": False,
        },
    ],
}


@pytest.fixture
def catalogue_dir(tmp_path):
    (tmp_path / "catalogue").mkdir()
    (tmp_path / "catalogue" / "test.json").write_text(json.dumps(CATALOGUE), encoding="utf-8")
    lookup.forget_loaded()
    yield tmp_path
    lookup.forget_loaded()


def touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_keys(qtbot, keyboard, text: str) -> None:
    for char in text:
        touch(qtbot, keyboard.space_key if char == " " else keyboard.letter_keys[char])


def open_lookup(qtbot, kiosk, language: str):
    touch(qtbot, kiosk.welcome.language_buttons[language])
    touch(qtbot, kiosk.services.lookup_button)
    assert kiosk.flow.step == Step.LOOKUP
    return kiosk.lookup


def test_searching_without_accents_finds_the_answer_and_takes_a_ticket(qtbot, make_kiosk, catalogue_dir):
    kiosk = make_kiosk(catalogue_dir=catalogue_dir)
    screen = open_lookup(qtbot, kiosk, "vi")
    type_keys(qtbot, screen.keyboard, "giay phep quay chuoi")
    qtbot.waitUntil(lambda: bool(screen.result_buttons), timeout=5000)
    assert screen.result_buttons[0].title.text() == "Giấy phép quầy chuối"
    touch(qtbot, screen.result_buttons[0])
    assert kiosk.flow.step == Step.ANSWER
    answer = kiosk.answer
    assert answer.title.text() == "Giấy phép quầy chuối"
    assert "503-823-0000" in answer.where.text() and answer.qr.isVisible()
    assert not answer.emergency.isVisible() and not answer.report_button.isVisible()
    touch(qtbot, answer.ticket_button)
    assert kiosk.flow.step == Step.NAME and kiosk.flow.visit.service_code == "permits"


def test_synonyms_in_another_language_and_browsing_by_what_to_do(qtbot, make_kiosk, catalogue_dir):
    kiosk = make_kiosk(catalogue_dir=catalogue_dir)
    screen = open_lookup(qtbot, kiosk, "es")
    type_keys(qtbot, screen.keyboard, "fruit stand")  # English words in the Spanish kiosk
    qtbot.waitUntil(lambda: bool(screen.result_buttons), timeout=5000)
    assert screen.result_buttons[0].title.text() == "Permiso de puesto de plátanos"
    touch(qtbot, screen.kind_buttons["pay"])
    qtbot.waitUntil(lambda: screen.browsing == "pay", timeout=5000)
    assert "Zz banana fee" in [b.title.text() for b in screen.result_buttons]
    assert screen.kind_buttons["pay"].text() == "Pagar"


def test_nothing_found_offers_a_person(qtbot, make_kiosk, catalogue_dir):
    kiosk = make_kiosk(catalogue_dir=catalogue_dir)
    screen = open_lookup(qtbot, kiosk, "en")
    type_keys(qtbot, screen.keyboard, "qqxqq")
    qtbot.waitUntil(screen.help_button.isVisible, timeout=5000)
    assert screen.status.text() == "Nothing found for “qqxqq”. A person at the front desk can help you."
    touch(qtbot, screen.help_button)
    assert kiosk.flow.step == Step.NAME and kiosk.flow.visit.service_code == "information"


def test_the_central_service_s_reports_are_found_and_lead_to_the_form(
    qtbot, make_kiosk, sqlite_backend, catalogue_dir
):
    central = FakeOpen311(
        services=[RemoteService("ZZ_GRAFFITI", "Zzgraffiti", "Paint on walls", keywords=("tags",))]
    )
    sync.refresh_catalogue(sqlite_backend.ctx, central)
    speaker = FakeSpeaker()
    kiosk = make_kiosk(catalogue_dir=catalogue_dir, speaker=speaker)
    screen = open_lookup(qtbot, kiosk, "en")
    type_keys(qtbot, screen.keyboard, "tags")
    qtbot.waitUntil(lambda: bool(screen.result_buttons), timeout=5000)
    touch(qtbot, screen.result_buttons[0])
    answer = kiosk.answer
    assert answer.title.text() == "Zzgraffiti" and answer.report_button.isVisible()
    touch(qtbot, answer.read_button)
    assert any("Zzgraffiti" in text for text, _lang in speaker.said)
    touch(qtbot, answer.report_button)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.REPORT_FORM, timeout=5000)
    assert kiosk.report_form.title.text() == "Zzgraffiti"


def test_the_welcome_screen_offers_search_in_every_language(qtbot, make_kiosk, catalogue_dir):
    kiosk = make_kiosk(catalogue_dir=catalogue_dir)
    search = kiosk.welcome.search_button
    assert search.title.text() == "Find city information"
    assert (
        search.detail.text()
        == "Buscar información de la Ciudad · Tìm thông tin của Thành phố · 查詢市政資訊 · Найти городскую информацию"
    )
    touch(qtbot, search)
    assert kiosk.flow.step == Step.LOOKUP and kiosk.flow.visit.language == "en"
    type_keys(qtbot, kiosk.lookup.keyboard, "zzbanana")
    qtbot.waitUntil(lambda: bool(kiosk.lookup.result_buttons), timeout=5000)
    assert kiosk.lookup.result_buttons[0].title.text() == "Banana stand permit"
