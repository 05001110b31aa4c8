"""Read numbers as reports print them: table cells with units, blanks and dashes, Chinese numerals.

Nothing is invented: a cell that says nothing ("", "-", "—", "/", "&nbsp;") is None, and a cell
we cannot read is None with a warning, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Cells that state no value. "无" is deliberately here: it may mean zero or "not applicable",
# and deciding which would be inventing.
NULL_TOKENS = frozenset({"", "-", "--", "—", "——", "－", "/", "／", "\\", "无", "空", "…", "*"})
UNITS = ("万元", "亿元", "元", "件", "条", "个", "次", "人次", "人", "项", "份", "期", "%", "％")
_NUMBER_WITH_UNIT = re.compile(
    r"^(?P<num>[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?)\s*(?P<unit>"
    + "|".join(map(re.escape, UNITS))
    + r")?$"
)
_SPACES = re.compile(r"[\s\u00a0\u3000\u2002\u2003\u200b]+")

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4})
_DIGITS.update({"伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9})
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
# Words that make a count approximate ("一千余", "数百", "几十"): reading them would invent precision.
_VAGUE = re.compile(r"[余多几数近约超]")
CHINESE_NUMERAL = re.compile(r"[零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+")


@dataclass(frozen=True)
class CellValue:
    value: int | float | None
    unit: str | None
    ok: bool  # False when the cell held text we could not read as a number


def squash(text: str | None) -> str:
    """Remove every kind of space: Chinese labels and numbers carry no meaningful whitespace."""
    return _SPACES.sub("", text or "")


def parse_cell(raw: str | None) -> CellValue:
    """Parse one table cell: ``"1,234"`` -> 1234, ``"25.1万元"`` -> 25.1 万元, ``"-"`` -> None."""
    text = squash(raw).replace("，", ",").replace("．", ".")
    if text in NULL_TOKENS:
        return CellValue(None, None, True)
    match = _NUMBER_WITH_UNIT.match(text)
    if match:
        number = match.group("num").replace(",", "")
        unit = match.group("unit")
        unit = "%" if unit == "％" else unit
        value: int | float = float(number) if "." in number else int(number)
        return CellValue(value, unit, True)
    if CHINESE_NUMERAL.fullmatch(text):
        chinese = chinese_to_int(text)
        if chinese is not None:
            return CellValue(chinese, None, True)
    return CellValue(None, None, False)


def looks_numeric(raw: str | None) -> bool:
    """True when the cell holds a number (with an optional unit), not a label."""
    text = squash(raw).replace(",", "").replace("，", "")
    return bool(text) and bool(_NUMBER_WITH_UNIT.match(text))


def is_null(raw: str | None) -> bool:
    return squash(raw) in NULL_TOKENS


def chinese_to_int(text: str) -> int | None:
    """Read a well-formed Chinese numeral ("一千五百二十" -> 1520); None when unsure."""
    if not text or _VAGUE.search(text) or not CHINESE_NUMERAL.fullmatch(text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:
        # Digit-by-digit form ("二〇二一") is a year or code, read positionally.
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row ("五五") is not a numeral we trust
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch in _BIG_UNITS:
            section += digit or 0
            total += (section or 1) * _BIG_UNITS[ch]
            section, digit = 0, None
    return total + section + (digit or 0)
