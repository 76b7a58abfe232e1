"""Search forgives accents, case, typos, other languages and scripts; the catalogue loader names what is broken."""

from __future__ import annotations

import json

from kiosk.domain.lookup import Entry, fold, index, search, tokens
from kiosk.resources.catalogue_loader import load_catalogue

LANGS = ("en", "es", "vi", "zh_Hant", "ru")


def entry(id_, kind, titles, keywords, summary="") -> Entry:
    return Entry(
        id=id_,
        kind=kind,
        titles=dict(zip(LANGS, titles, strict=True)),
        summaries={lang: summary for lang in LANGS},
        keywords={"en": tuple(keywords)},
    )


ENTRIES = [
    entry("apply-building-permit", "apply", ["Building permit", "Permiso de construcción", "Giấy phép xây dựng",
          "建築許可", "Разрешение на строительство"], ["permit", "remodel"]),
    entry("report-street", "report", ["Street maintenance", "Mantenimiento de calles", "Bảo trì đường phố",
          "道路維修", "Ремонт улиц"], ["pothole", "road", "crack"]),
    entry("find-garbage", "find", ["Garbage and recycling", "Basura y reciclaje", "Rác và tái chế",
          "垃圾和回收", "Мусор и переработка"], ["trash", "garbage", "compost"]),
]  # fmt: skip
INDEX = index(ENTRIES)


def ids(query: str) -> list[str]:
    return [e.id for e in search(INDEX, query)]


def test_folding_drops_accents_tones_and_case():
    assert fold("Giấy Phép") == "giay phep"
    assert fold("Đường") == "duong"
    assert fold("ЁЛКА") == "елка"


def test_chinese_is_matched_by_characters_and_pairs():
    assert tokens("建築許可") == ["建", "築", "許", "可", "建築", "築許", "許可"]


def test_missing_accents_still_find_the_entry():
    assert ids("giay phep")[0] == "apply-building-permit"
    assert ids("permiso construccion")[0] == "apply-building-permit"


def test_synonyms_typos_and_other_languages():
    assert ids("pothole") == ["report-street"]
    assert ids("potholle") == ["report-street"]  # a typo
    assert ids("trash") == ["find-garbage"]
    assert ids("ремонт") == ["report-street"]
    assert ids("許可")[0] == "apply-building-permit"
    assert ids("perm")[0] == "apply-building-permit"  # still typing


def test_nothing_found_is_an_empty_list():
    assert ids("zzzz qqqq") == []
    assert ids("   ") == []


def test_a_broken_entry_is_reported_with_file_and_field_and_the_rest_loads(tmp_path):
    good = {
        "id": "find-x",
        "kind": "find",
        "titles": {lang: "X" for lang in LANGS},
        "summaries": {lang: "About X" for lang in LANGS},
        "keywords": {"en": ["x"]},
        "bureau": None,
        "front_desk": None,
        "url": "",
        "emergency": False,
    }
    missing_vi = json.loads(json.dumps(good))
    missing_vi["id"] = "find-y"
    del missing_vi["titles"]["vi"]
    bad_kind = {**good, "id": "find-z", "kind": "dance"}
    unknown_bureau = {**good, "id": "find-w", "bureau": "nowhere"}
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"bureaus": [], "entries": [good, missing_vi, bad_kind, unknown_bureau]}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    loaded = load_catalogue([path, broken])
    assert sorted(e.id for e in loaded.entries) == ["find-w", "find-x"]
    assert f"{path}: entries[1].titles.vi: missing translation" in loaded.problems
    assert any(p.startswith(f"{path}: entries[2].kind: must be one of") for p in loaded.problems)
    assert "entry find-w: bureau 'nowhere' is not in the catalogue" in loaded.problems
    assert any(p.startswith(f"{broken}: cannot be read") for p in loaded.problems)
