"""Chinese input: readings and codes give the right Traditional characters, most common first."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from kiosk.resources import resource_path
from kiosk.ui import chinese_input
from kiosk.ui.chinese_input import (
    CANGJIE,
    PINYIN,
    ZHUYIN,
    candidates,
    cangjie_candidates,
    pinyin_candidates,
    pinyin_to_zhuyin,
    zhuyin_candidates,
)


@pytest.mark.parametrize(
    ("pinyin", "zhuyin"),
    [
        ("zhang", "ㄓㄤ"),
        ("zhi", "ㄓ"),
        ("si", "ㄙ"),
        ("lv", "ㄌㄩ"),
        ("lve", "ㄌㄩㄝ"),
        ("juan", "ㄐㄩㄢ"),
        ("qu", "ㄑㄩ"),
        ("xiong", "ㄒㄩㄥ"),
        ("yu", "ㄩ"),
        ("yuan", "ㄩㄢ"),
        ("you", "ㄧㄡ"),
        ("wei", "ㄨㄟ"),
        ("wu", "ㄨ"),
        ("liu", "ㄌㄧㄡ"),
        ("gui", "ㄍㄨㄟ"),
        ("dun", "ㄉㄨㄣ"),
        ("hong", "ㄏㄨㄥ"),
        ("er", "ㄦ"),
        ("a", "ㄚ"),
        ("bo", "ㄅㄛ"),
    ],
)
def test_pinyin_is_spelled_in_zhuyin_as_taught(pinyin, zhuyin):
    assert pinyin_to_zhuyin(pinyin) == zhuyin


def test_every_syllable_of_the_data_can_be_typed_in_zhuyin():
    syllables = chinese_input._pinyin()
    assert len(syllables) > 390
    unspellable = sorted(s for s in syllables if pinyin_to_zhuyin(s) is None)
    assert unspellable == ["n", "ng"]  # interjections (嗯), written with no zhuyin vowel


def test_common_characters_come_first():
    assert pinyin_candidates("wei").chars[0] == "為"
    assert "位" in pinyin_candidates("wei").chars[: chinese_input.PAGE]
    assert "陳" in pinyin_candidates("chen").chars[:8]  # a common surname is on the first page
    assert "王" in pinyin_candidates("wang").chars[: chinese_input.PAGE]
    assert "李" in pinyin_candidates("li").chars[:8]
    assert "林" in pinyin_candidates("lin").chars[:2]


def test_a_tone_narrows_the_candidates_and_is_used_up_with_the_syllable():
    fourth = pinyin_candidates("wei4")
    assert fourth.used == 4
    assert "位" in fourth.chars and "圍" not in fourth.chars  # 圍 is wéi
    third = zhuyin_candidates("ㄨㄟˇ")
    assert third.used == 3
    assert third.chars[0] == "委" and "偉" in third.chars


def test_several_syllables_are_taken_one_at_a_time():
    first = pinyin_candidates("wangxiaoming")
    assert first.used == 4 and "王" in first.chars[: chinese_input.PAGE]
    assert pinyin_candidates("xiaoming").used == 4
    assert zhuyin_candidates("ㄨㄤˊㄒㄧㄠˇ").used == 3


def test_letters_that_are_not_a_syllable_yet_offer_what_they_can_become():
    partial = pinyin_candidates("zh")
    assert partial.used == 2
    assert {"這", "中", "張"} <= set(partial.chars[:40])
    assert pinyin_candidates("xyz").chars == ()


def test_cangjie_codes_give_their_characters_then_longer_codes():
    assert cangjie_candidates("oyt").chars[0] == "位"
    assert cangjie_candidates("hapi").chars == ("的",)
    assert cangjie_candidates("mg").chars[0] == "王"
    assert cangjie_candidates("o").chars[0] == "人"  # 人 is o, then what starts with o


def test_method_dispatch_and_empty_text():
    assert candidates(PINYIN, "").chars == ()
    assert candidates(ZHUYIN, "ㄨㄤˊ").chars[0] == "王"
    assert candidates(CANGJIE, "mg").chars[0] == "王"


def test_every_candidate_is_in_the_font_the_kiosk_ships():
    font = TTFont(Path(resource_path("fonts", "NotoSansCJKtc-Regular-subset.otf")))
    covered = set(map(chr, font.getBestCmap()))
    offered = set()
    for syllable in chinese_input._pinyin():
        offered.update(pinyin_candidates(syllable).chars)
    offered.update("".join(chinese_input._data()["cangjie"].values()))
    offered.update("".join(chinese_input.ZHUYIN_ROWS))
    offered.update(chinese_input.CANGJIE_RADICALS.values())
    assert len(offered) > 5000
    assert sorted(offered - covered) == []


def test_the_hundred_commonest_surnames_are_on_the_first_page_of_their_reading():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build", Path(__file__).parents[2] / "tools/build_chinese_input.py"
    )
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    missing = [
        surname
        for surname in build.SURNAMES
        if not any(
            surname in pinyin_candidates(syllable).chars[: chinese_input.PAGE]
            for syllable, pairs in chinese_input._pinyin().items()
            if any(char == surname for char, _tone in pairs)
        )
    ]
    assert missing == []
