"""Load ``selectors.yml`` once and compile it: CSS to XPath, labels and patterns to regexes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from lxml.cssselect import CSSSelector

SELECTORS_FILE = Path(__file__).with_name("selectors.yml")


# (css, compiled selector, class/id names in it, the same lower-cased for ``applicable``)
Entry = tuple[str, CSSSelector, tuple[str, ...], tuple[str, ...]]
_NAMES = re.compile(r"[.#]([A-Za-z0-9_-]+)")


def _entry(css: str) -> Entry:
    names = tuple(_NAMES.findall(css))
    return css, compile_css(css), names, tuple(n.lower() for n in names)


_PAGE_NAMES = re.compile(
    r"""\b(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE
)


def page_names(html: str) -> frozenset[str]:
    """Every class and id token the page's markup uses, lower-cased."""
    names: set[str] = set()
    for match in _PAGE_NAMES.finditer(html):
        names.update((match.group(1) or match.group(2) or match.group(3) or "").lower().split())
    return frozenset(names)


def applicable(entries: list[Entry], names: frozenset[str]) -> list[Entry]:
    """Entries whose class/id names all occur in the page (``page_names``).

    One regex pass over the page and set lookups are far cheaper than an XPath walk of the
    whole tree per selector, and most of the default selectors name a class the page does
    not use at all.
    """
    return [entry for entry in entries if all(name in names for name in entry[3])]


@dataclass(frozen=True)
class Selectors:
    """The compiled extraction knowledge; see selectors.yml for what each part means."""

    meta: dict[str, str]
    label_pattern: re.Pattern[str]  # matches any known label at the start of a text
    label_inline: re.Pattern[str]  # a known label followed by a colon, anywhere in a text
    label_field: dict[str, str]  # compact label (no spaces) -> field
    label_rank: dict[str, int]  # compact label -> rank within its field (lower wins)
    label_starts: frozenset[str]  # first characters of the labels
    value_stop: re.Pattern[str]  # page chrome that ends a label's value on the same line
    agency_ignore: frozenset[str]  # values that name no agency (本站, 管理员 …)
    text_patterns: dict[str, list[tuple[re.Pattern[str], int | None]]]  # (regex, near_title)
    title: list[Entry]
    title_generic: list[Entry]
    title_fallback: list[Entry]
    body: list[Entry]
    breadcrumb: list[Entry]
    date: list[Entry]  # containers of a printed, unlabelled publication date
    column_words: frozenset[str]  # column/site words never a title on their own
    attachment_extensions: frozenset[str]


@lru_cache(maxsize=256)
def compile_css(css: str) -> CSSSelector:
    """Compile a CSS selector once (profiles pass the same overrides for every page)."""
    return CSSSelector(css, translator="html")


def _spaced(label: str) -> str:
    # 索引号 also matches 索 引 号 and 索　引　号 as printed in many tables.
    return r"[\s\xa0\u3000]*".join(re.escape(ch) for ch in label)


def _text_pattern(entry: str | dict) -> tuple[re.Pattern[str], int | None]:
    if isinstance(entry, dict):
        return re.compile(entry["pattern"]), int(entry["near_title"])
    return re.compile(entry), None


def _compile(data: dict) -> Selectors:
    label_field: dict[str, str] = {}
    label_rank: dict[str, int] = {}
    for field, labels in data["labels"].items():
        for rank, label in enumerate(labels):
            label_field.setdefault(label, field)
            label_rank.setdefault(label, rank)
    # Longest first so 信息分类 wins over 分类 and 发文字号 over 文号.
    alternatives = "|".join(_spaced(lbl) for lbl in sorted(label_field, key=len, reverse=True))
    label_pattern = re.compile(r"[\s\xa0\u3000]*(" + alternatives + r")[\s\xa0\u3000]*[:：]?")
    label_inline = re.compile(r"(?P<label>" + alternatives + r")[\s\xa0\u3000]*[:：]")
    return Selectors(
        meta={k.lower(): v for k, v in data["meta"].items()},
        label_pattern=label_pattern,
        label_inline=label_inline,
        label_field=label_field,
        label_rank=label_rank,
        label_starts=frozenset(label[0] for label in label_field),
        value_stop=re.compile("|".join(re.escape(w) for w in data.get("value_stops", [])) or "$^"),
        agency_ignore=frozenset(data.get("agency_ignore", [])),
        text_patterns={
            field: [_text_pattern(p) for p in patterns]
            for field, patterns in data["text_patterns"].items()
        },
        title=[_entry(css) for css in data["title"]],
        title_generic=[_entry(css) for css in data["title_generic"]],
        title_fallback=[_entry(css) for css in data.get("title_fallback", [])],
        body=[_entry(css) for css in data["body"]],
        breadcrumb=[_entry(css) for css in data["breadcrumb"]],
        date=[_entry(css) for css in data.get("date", [])],
        column_words=frozenset(data.get("column_words", [])),
        attachment_extensions=frozenset(data["attachment_extensions"]),
    )


@lru_cache(maxsize=1)
def load_selectors() -> Selectors:
    """The default selectors, parsed and compiled once per process."""
    with SELECTORS_FILE.open(encoding="utf-8") as handle:
        return _compile(yaml.safe_load(handle))
