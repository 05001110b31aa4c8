"""Reading cell values and Chinese numerals without inventing numbers (pipeline/reports/numbers)."""

from __future__ import annotations

import pytest

from pipeline.reports.numbers import CellValue, chinese_to_int, parse_cell


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", CellValue(12, None, True)),
        (" 1,234 ", CellValue(1234, None, True)),
        ("\xa0", CellValue(None, None, True)),
        ("-", CellValue(None, None, True)),
        ("——", CellValue(None, None, True)),
        ("无", CellValue(None, None, True)),
        ("25.1万元", CellValue(25.1, "万元", True)),
        ("251000元", CellValue(251000, "元", True)),
        ("33.9％", CellValue(33.9, "%", True)),
        ("十二", CellValue(12, None, True)),
        ("见附件", CellValue(None, None, False)),
    ],
    ids=[
        "int",
        "thousands",
        "nbsp",
        "dash",
        "long-dash",
        "wu",
        "wanyuan",
        "yuan",
        "percent",
        "chinese",
        "text",
    ],
)
def test_parse_cell(raw: str, expected: CellValue) -> None:
    assert parse_cell(raw) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一千五百二十", 1520),
        ("十", 10),
        ("二十三", 23),
        ("一百零五", 105),
        ("三万二千", 32000),
        ("两百", 200),
        ("数十", None),
        ("一千余", None),
        ("五五", 55),
    ],
    ids=["1520", "10", "23", "105", "32000", "200", "vague-tens", "vague-over", "digits"],
)
def test_chinese_to_int(text: str, value: int | None) -> None:
    assert chinese_to_int(text) == value
