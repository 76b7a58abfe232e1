"""The catalogue the kiosk ships: complete in every language, and visitors' words find the right answers."""

from __future__ import annotations

import pytest

from kiosk.domain.lookup import KINDS, index, search
from kiosk.resources.catalogue_loader import load_catalogue

CATALOGUE = load_catalogue()
INDEX = index(CATALOGUE.entries)


def test_it_loads_whole_with_every_kind_and_its_bureaus():
    assert CATALOGUE.problems == []
    assert len(CATALOGUE.entries) >= 80
    assert {e.kind for e in CATALOGUE.entries} == set(KINDS)
    assert "info-referral" in CATALOGUE.bureaus
    assert CATALOGUE.bureaus["info-referral"].phone == "503-823-4000"
    assert sum(e.emergency for e in CATALOGUE.entries) >= 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pothole", "report-pothole"),
        ("potholle", "report-pothole"),  # a typo
        ("ổ gà", "report-pothole"),
        ("o ga", "report-pothole"),  # Vietnamese without tones
        ("trash", "find-garbage-day"),
        ("basura", "find-garbage-day"),
        ("water bill", "pay-water-sewer-bill"),
        ("permiso de construccion", "apply-building-permit"),
        ("interpreter", "request-language-interpreter"),
        ("шум", "report-noise"),
        ("smell gas", "report-gas-smell"),
        ("垃圾", "find-garbage-day"),  # Chinese, two characters
        ("水費", "pay-water-sewer-bill"),
        ("停車", "find-parking-rules"),
        ("坑洞", "report-pothole"),
        ("Разрешение на строительство", "apply-building-permit"),
        ("licencia de negocio", "apply-business-tax-registration"),
    ],
)
def test_visitors_words_find_the_answer_among_the_first_three(query, expected):
    assert expected in [e.id for e in search(INDEX, query)[:3]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("pothole", "report-pothole"), ("trash", "find-garbage-day"), ("垃圾", "find-garbage-day"),
     ("water bill", "pay-water-sewer-bill"), ("permiso de construccion", "apply-building-permit")],
)  # fmt: skip
def test_the_best_answer_is_first(query, expected):
    assert search(INDEX, query)[0].id == expected


def test_emergencies_are_found_and_marked():
    gas = next(e for e in CATALOGUE.entries if e.id == "report-gas-smell")
    assert gas.emergency and "911" in gas.summary("en")
