"""The plan file transcribes Plan 202 completely: checked against the source text."""

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PLAN_FILE = ROOT / "plans" / "ke-hoach-202-KH-UBND-2022.yaml"
SOURCE = ROOT / "plans" / "sources" / "ke-hoach-202-KH-UBND-2022.txt"


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"<[^>]+>", " ", text)  # the converter left <p> tags in one cell
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def plan() -> dict:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def source() -> str:
    return _normal(SOURCE.read_text(encoding="utf-8"))


def test_identity(plan):
    p = plan["plan"]
    assert p["number"] == "202/KH-UBND"
    assert str(p["issued_on"]) == "2022-09-14"
    assert p["period"] == "2022-2030"
    assert (p["report_deadline"]["month"], p["report_deadline"]["day"]) == (12, 1)
    assert len(p["legal_bases"]) == 7
    assert p["signer"]["name"] == "Nguyễn Thị Hoàng"


def test_twelve_groups_with_their_task_counts(plan):
    counts = {g["numeral"]: len(g["tasks"]) for g in plan["task_groups"]}
    # Counted in the appendix of the source text (groups VII and VIII printed "XII", "XIII").
    assert counts == {
        "I": 2,
        "II": 3,
        "III": 4,
        "IV": 2,
        "V": 2,
        "VI": 4,
        "VII": 3,
        "VIII": 2,
        "IX": 2,
        "X": 1,
        "XI": 1,
        "XII": 2,
    }


def test_fifteen_content_areas_with_their_points(plan):
    points = {a["number"]: "".join(p["letter"] for p in a["points"]) for a in plan["content_areas"]}
    assert points == {
        1: "abcd",
        2: "ab",
        3: "ab",
        4: "abcdđ",
        5: "abcdđeg",
        6: "abcd",
        7: "abc",
        8: "ab",
        9: "abcde",
        10: "abc",
        11: "ab",
        12: "abcd",
        13: "ab",
        14: "abc",
        15: "ab",
    }


def test_targets_and_their_values_as_printed_in_section_I_2(plan, source):
    by_code = {t["code"]: t for t in plan["targets"]}
    expected = {
        "T1-2025": ("5-8", 2025, "giảm (5-8)% mức tiêu hao"),
        "T1-2030": ("7-10", 2030, "giảm (7-10)% mức tiêu hao"),
        "T2-2025": (70, 2025, "70% các khu, cụm công nghiệp, làng nghề"),
        "T2-2030": (100, 2030, "100% các khu, cụm công nghiệp, làng nghề"),
        "T3-2025": ("20-30", 2025, "20 đến 30 mô hình"),
        "T4-2025": (80, 2025, "80% huyện, thành phố"),
        "T4-2030": (100, 2030, "100% huyện, thành phố"),
        "T5-2025": (85, 2025, "85% các siêu thị, trung tâm thương mại"),
        "T5-2030": (100, 2030, "100% các siêu thị, trung tâm thương mại"),
    }
    for code, (value, year, phrase) in expected.items():
        assert by_code[code]["target"] == value, code
        assert by_code[code]["milestone_year"] == year, code
        assert phrase in source, phrase
    assert "target" not in by_code["T6-2025"]  # the education target has no number
    assert len(by_code) == 10


# Conversion defects of the source and the reading the file uses (each noted on its item).
PRINTED_AS = {
    "tuyên truyền": "truyền truyền",
    "hình thành": "hình hành",
    "nhãn": "nhân",
    "du lịch": "dự lịch",
    "cộng đồng": "công đồng",
    "phổ biến": "phở biển",
}


def _found(text: str, source: str, notes: list[str]) -> bool:
    """The text is in the source as it is, or as printed before a correction it notes."""
    full = _normal(text)
    if full[:60] in source:
        return True
    for meant, printed in PRINTED_AS.items():
        noted = any(printed in n for n in notes)
        if meant in full and noted and full.replace(meant, printed)[:60] in source:
            return True
    return False


def test_every_task_content_is_found_in_the_source(plan, source):
    missing = [
        f"{g['numeral']}.{t['number']}"
        for g in plan["task_groups"]
        for t in g["tasks"]
        if not _found(t["content"], source, t.get("notes", []))
    ]
    assert missing == []


def test_every_objective_is_found_in_the_source(plan, source):
    missing = [
        f"{g['numeral']}.{t['number']}"
        for g in plan["task_groups"]
        for t in g["tasks"]
        if t.get("objective") and not _found(t["objective"], source, t.get("notes", []))
    ]
    assert missing == []


def test_every_content_point_is_found_in_the_source(plan, source):
    missing = [
        f"{a['number']}.{p['letter']}"
        for a in plan["content_areas"]
        for p in a["points"]
        if not _found(p["text"], source, p.get("notes", []))
    ]
    assert missing == []


def test_every_target_text_is_found_in_the_source(plan, source):
    assert [t["code"] for t in plan["targets"] if not _found(t["text"], source, [])] == []


def test_conversion_defects_are_corrected_and_noted(plan):
    numerals = [g["numeral"] for g in plan["task_groups"]]
    assert numerals == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    text = yaml.safe_dump(plan, allow_unicode=True)
    assert "dân nhân" not in text.replace("“dân nhân", "").replace('"dân nhân', "")
    groups = {g["numeral"]: g for g in plan["task_groups"]}
    assert groups["IV"]["title"] == "Thúc đẩy dán nhãn và chứng nhận nhãn sinh thái"
    assert any("XII" in n for n in groups["VII"]["notes"])
    assert any("XIII" in n for n in groups["VIII"]["notes"])
    # A cell in the wrong column: "Hàng năm" printed under "Sản phẩm" is the period.
    vii3 = groups["VII"]["tasks"][2]
    assert vii3["frequency"] == "annual" and vii3.get("expected_product", "") == ""
    assert any("Sản phẩm" in n for n in vii3["notes"])


def test_the_appendix_funding_and_periods(plan):
    tasks = {f"{g['numeral']}.{t['number']}": t for g in plan["task_groups"] for t in g["tasks"]}
    assert tasks["II.1"]["period"] == "2022-2025" and tasks["II.2"]["period"] == "2026-2030"
    assert tasks["II.1"]["target"]["value"] == "1-10"
    assert tasks["X.1"]["period"] == "2025-2030"
    assert tasks["I.1"]["funding"] == ["provincial_budget", "central_budget"]
    assert tasks["XI.1"]["funding"] == ["provincial_budget", "other_lawful"]
    assert tasks["VI.1"]["lead"] == ["skhdt"]
    assert tasks["V.1"]["lead"] == ["dai-ptth", "bao-dong-nai"]
    assert len(tasks) == 28
