"""Build kiosk/resources/chinese_input.json, the data of the kiosk's Chinese input methods.

Source: the Unicode Han Database (Unihan), as Debian's ``unicode-data`` package installs it
(``apt-get install unicode-data``; /usr/share/unicode/Unihan_*.txt.bz2). Unihan is published under the
Unicode License v3, which allows redistributing derived data with its notice (see the JSON's
``source`` field).

Only characters in Big5 (``kBigFive``) are kept, the Traditional Chinese repertoire visitors write in:
its first level (5,401 common characters) and the second level's characters that have a frequency or
a school grade, so that every candidate is in the font the kiosk ships.
For each, the Mandarin readings (``kMandarin``, ``kHanyuPinlu``, ``kHanyuPinyin``) and the Cangjie code
(``kCangjie``). Candidates are ordered by how common they are: the reading's frequency in the
Hanyu Pinlu corpus (``kHanyuPinlu``), then the Traditional-text frequency band (``kFrequency``), the
Hong Kong school grade (``kGradeLevel``), the Big5 level (the first level holds the common characters)
and the code point, so ordering is stable. Common surnames are raised (see SURNAMES): visitors type names.

Output: {"source": ..., "pinyin": {"wei": "為4位4偉3...", ...}, "cangjie": {"oyt": "位", ...}}.
The pinyin map is keyed by the syllable without tone (``ü`` written ``v``, as on pinyin keyboards);
each value is pairs of character and tone number 1-5, most common first.

    python tools/build_chinese_input.py [--unihan /usr/share/unicode] [-o kiosk/resources/chinese_input.json]
"""

from __future__ import annotations

import argparse
import bz2
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

# The hundred most common Chinese surnames, most common first (in Traditional characters). The corpus
# counts running text, where names are rare: 李 would not make the first page of "li". The input is
# mostly for names, so a surname's reading counts at least SURNAME_COUNT.
SURNAMES = (
    "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董潘袁蔡蔣余于杜葉程魏蘇呂丁任"
    "盧姚沈鍾姜崔譚陸范汪廖石金韋賈夏付方鄒熊白孟秦邱侯江尹薛閻段雷龍黎史陶賀毛郝顧龔邵萬覃武錢戴嚴莫孔向常"
)
SURNAME_COUNT = 2000
TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
SYLLABLE = re.compile(r"^[a-zv]+$")


def read_fields(unihan: Path, part: str, wanted: set[str]) -> dict[str, dict[str, str]]:
    fields: dict[str, dict[str, str]] = defaultdict(dict)
    with bz2.open(unihan / f"Unihan_{part}.txt.bz2", "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            code, field, value = line.rstrip("\n").split("\t", 2)
            if field in wanted:
                fields[chr(int(code[2:], 16))][field] = value
    return fields


def split_tone(reading: str) -> tuple[str, int] | None:
    """'wéi' -> ('wei', 2); 'lǜ' -> ('lv', 4); a reading that is not a plain syllable -> None."""
    decomposed = unicodedata.normalize("NFD", reading.lower())
    tone = 5
    letters = []
    for char in decomposed:
        if char in TONE_MARKS:
            tone = TONE_MARKS[char]
        elif char == "\u0308":  # the diaeresis of ü
            letters[-1] = "v"
        else:
            letters.append(char)
    syllable = "".join(letters)
    return (syllable, tone) if SYLLABLE.match(syllable) else None


def readings_of(fields: dict[str, str], simplified: dict[str, str] | None) -> dict[tuple[str, int], int]:
    """Each modern reading with its corpus count (0 where the corpus does not have it).

    The corpus counts simplified text: a traditional character it lacks takes its simplified form's
    counts. The dictionary's historical readings (kHanyuPinyin) only serve characters with no modern
    one; otherwise common characters would crowd syllables they are never read as.
    """
    readings: dict[tuple[str, int], int] = {}
    for source in (fields, simplified or {}):
        for entry in source.get("kHanyuPinlu", "").split():
            reading, count = entry.rstrip(")").split("(")
            if (split := split_tone(reading)) is not None:
                readings[split] = max(readings.get(split, 0), int(count))
        if readings:
            break
    for reading in fields.get("kMandarin", "").split():
        if (split := split_tone(reading)) is not None:
            readings.setdefault(split, 0)
    if not readings:
        for entry in fields.get("kHanyuPinyin", "").split():
            for reading in entry.split(":", 1)[1].split(","):
                if (split := split_tone(reading)) is not None:
                    readings.setdefault(split, 0)
    return readings


def build(unihan: Path) -> dict:
    big5 = read_fields(unihan, "OtherMappings", {"kBigFive"})
    readings = read_fields(unihan, "Readings", {"kMandarin", "kHanyuPinlu", "kHanyuPinyin"})
    dictionary = read_fields(unihan, "DictionaryLikeData", {"kCangjie", "kFrequency", "kGradeLevel"})
    variants = read_fields(unihan, "Variants", {"kSimplifiedVariant"})

    def simplified_readings(char: str) -> dict[str, str] | None:
        value = variants.get(char, {}).get("kSimplifiedVariant", "").split()
        return readings.get(chr(int(value[0][2:], 16))) if value else None

    def commonness(char: str) -> tuple:
        info = dictionary.get(char, {})
        level = 1 if int(big5[char]["kBigFive"], 16) < 0xC940 else 2
        return (int(info.get("kFrequency", 6)), int(info.get("kGradeLevel", 9)), level, ord(char))

    def shown(char: str) -> bool:
        """The kiosk's font holds Big5's first level (tools/subset_cjk_font.py); of the second, the few
        characters with a frequency or school grade are kept, and the font subset takes them from here."""
        info = dictionary.get(char, {})
        return commonness(char)[2] == 1 or "kFrequency" in info or "kGradeLevel" in info

    pinyin: dict[str, list[tuple]] = defaultdict(list)
    cangjie: dict[str, list[tuple]] = defaultdict(list)
    for char in big5:
        if not unicodedata.name(char, "").startswith("CJK") or not shown(char):
            continue
        for (syllable, tone), count in readings_of(readings.get(char, {}), simplified_readings(char)).items():
            if char in SURNAMES and tone != 5:
                count = max(count, SURNAME_COUNT)
            pinyin[syllable].append((-count, *commonness(char), tone, char))
        if code := dictionary.get(char, {}).get("kCangjie"):
            cangjie[code.lower()].append((*commonness(char), char))

    def chars_with_tones(entries: list[tuple]) -> str:
        return "".join(f"{entry[-1]}{entry[-2]}" for entry in sorted(entries))

    return {
        "source": (
            "Derived from the Unicode Han Database (Unihan) 15.0, Copyright (c) 1991-2022 Unicode, Inc., "
            "distributed under the Unicode License v3 (https://www.unicode.org/license.txt), "
            "by tools/build_chinese_input.py."
        ),
        "pinyin": {syllable: chars_with_tones(pinyin[syllable]) for syllable in sorted(pinyin)},
        "cangjie": {code: "".join(entry[-1] for entry in sorted(cangjie[code])) for code in sorted(cangjie)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unihan", type=Path, default=Path("/usr/share/unicode"))
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).parent.parent / "kiosk/resources/chinese_input.json",
    )
    args = parser.parse_args()
    data = build(args.unihan)
    args.output.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"{args.output}: {len(data['pinyin'])} syllables, {len(data['cangjie'])} Cangjie codes")


if __name__ == "__main__":
    main()
