"""Disclosure-catalogue taxonomies, kept as YAML data beside this module.

A taxonomy file (``<name>.yml``) lists first-level categories with their aliases (column names
real sites use), title/body keywords and their 政府信息公开条例 第二十条 items. Adding another
province means adding a file and selecting it by name; no code changes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TAXONOMY_DIR = Path(__file__).parent
DEFAULT_TAXONOMY = "anhui"

TOP_KEYS = frozenset(
    {"name", "title", "unclassified", "article20", "categories", "refinements", "genre_rule",
     "outside_catalogue", "generic_labels", "subject_labels", "yields_to_title", "source_rule"}
)  # fmt: skip
CATEGORY_KEYS = frozenset({"name", "article20", "aliases", "keywords", "topics", "suffixes"})
GENRE_RULE_KEYS = frozenset({"category", "genres"})
REFINEMENT_KEYS = frozenset({"category", "becomes", "when_title_has"})
SOURCE_RULE_KEYS = frozenset({"category", "markers"})
# Anything that is not a letter or digit: whitespace, ASCII and CJK punctuation, quotes, symbols.
_NOT_WORD = re.compile(r"[\W_]+")


class TaxonomyError(ValueError):
    """A taxonomy file is unusable; the message is one line naming the file and the entry."""


def label_key(text: str) -> str:
    """Matching form of a label: NFKC (full→half width), no whitespace or punctuation.

    >>> label_key("“三大” 攻坚战")
    '三大攻坚战'
    """
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class Category:
    name: str
    article20: tuple[int, ...]
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]  # specific title phrases: strong evidence
    topics: tuple[str, ...] = ()  # subject words: weak evidence, used after the genre rule
    suffixes: tuple[str, ...] = ()  # a column name ending so (…动态, …要闻) names this category


@dataclass(frozen=True)
class Refinement:
    category: str
    becomes: str
    when_title_has: tuple[str, ...]


@dataclass(frozen=True)
class GenreRule:
    """Titles of these genres (a bureau's own 公文) fall back to ``category``."""

    category: str
    genres: tuple[str, ...]


@dataclass(frozen=True)
class SourceRule:
    """A document whose 来源/agency contains one of ``markers`` (a newspaper, a 融媒体中心) is
    filed under ``category``."""

    category: str
    markers: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    name: str
    path: Path
    title: str
    unclassified: str
    article20: dict[int, str]
    categories: tuple[Category, ...]
    refinements: tuple[Refinement, ...] = ()
    genre_rule: GenreRule | None = None
    outside_catalogue: tuple[str, ...] = ()
    # Labels and crumbs that say nothing about the subject (首页, 政务公开, 通知公告): never decide.
    generic_labels: frozenset[str] = frozenset()  # label_key form
    # First-level 主题分类 (subject) names: a label that starts with one is not a catalogue column.
    subject_labels: frozenset[str] = frozenset()  # label_key form
    # Categories a column may name only when the title has no keyword or genre of its own
    # (工作动态 holds an office's 通知 and 批复 on some sites).
    yields_to_title: tuple[str, ...] = ()
    source_rule: SourceRule | None = None
    # label_key(name or alias) -> category name; built by load_taxonomy.
    index: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.categories)

    def category(self, name: str) -> Category:
        for cat in self.categories:
            if cat.name == name:
                return cat
        raise KeyError(name)


def taxonomy_path(name_or_path: str | Path) -> Path:
    """Resolve a taxonomy name (``anhui``) to its bundled file; a path is used as given."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yml", ".yaml"}:
        return candidate
    return TAXONOMY_DIR / f"{name_or_path}.yml"


def available_taxonomies() -> list[str]:
    return sorted(p.stem for p in TAXONOMY_DIR.glob("*.yml"))


def load_taxonomy(name_or_path: str | Path = DEFAULT_TAXONOMY) -> Taxonomy:
    """Load and validate a taxonomy; raise :class:`TaxonomyError` on the first problem."""
    path = taxonomy_path(name_or_path)
    if not path.is_file():
        raise TaxonomyError(
            f"{path}: no such taxonomy (available: {', '.join(available_taxonomies())})"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TaxonomyError(f"{path}: not valid YAML: {first}") from None
    return _build(path, raw)


@functools.lru_cache(maxsize=8)
def cached_taxonomy(name_or_path: str = DEFAULT_TAXONOMY) -> Taxonomy:
    """:func:`load_taxonomy`, parsed once per process (the classifier runs once per page)."""
    return load_taxonomy(name_or_path)


def _err(path: Path, entry: str, problem: str) -> TaxonomyError:
    return TaxonomyError(f"{path}: {entry}: {problem}")


def _str_list(path: Path, entry: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(path, entry, "must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _unknown_keys(path: Path, entry: str, data: dict, allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _err(
            path, entry, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )


def _build(path: Path, raw: Any) -> Taxonomy:
    if not isinstance(raw, dict):
        raise _err(path, "top level", "must be a mapping")
    _unknown_keys(path, "top level", raw, TOP_KEYS)
    for key in ("name", "categories", "article20"):
        if key not in raw:
            raise _err(path, "top level", f"missing required key {key!r}")
    article20 = _article20(path, raw["article20"])
    categories = tuple(
        _category(path, i, c, article20) for i, c in enumerate(raw["categories"] or [])
    )
    if not categories:
        raise _err(path, "categories", "must list at least one category")
    index = _index(path, categories)
    tax = Taxonomy(
        name=str(raw["name"]),
        path=path,
        title=str(raw.get("title") or raw["name"]),
        unclassified=str(raw.get("unclassified") or "未分类"),
        article20=article20,
        categories=categories,
        outside_catalogue=_str_list(path, "outside_catalogue", raw.get("outside_catalogue")),
        generic_labels=_key_set(path, "generic_labels", raw.get("generic_labels")),
        subject_labels=_key_set(path, "subject_labels", raw.get("subject_labels")),
        index=index,
    )
    for name in _str_list(path, "yields_to_title", raw.get("yields_to_title")):
        if name not in tax.names:
            raise _err(path, "yields_to_title", f"{name!r} is not a category of this taxonomy")
    refinements = tuple(
        _refinement(path, i, r, tax) for i, r in enumerate(raw.get("refinements") or [])
    )
    genre_rule = _genre_rule(path, raw.get("genre_rule"), tax)
    return Taxonomy(
        **{
            **tax.__dict__,
            "refinements": refinements,
            "genre_rule": genre_rule,
            "yields_to_title": _str_list(path, "yields_to_title", raw.get("yields_to_title")),
            "source_rule": _source_rule(path, raw.get("source_rule"), tax),
        }
    )


def _key_set(path: Path, entry: str, value: Any) -> frozenset[str]:
    return frozenset(label_key(v) for v in _str_list(path, entry, value))


def _source_rule(path: Path, data: Any, tax: Taxonomy) -> SourceRule | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _err(path, "source_rule", "must be a mapping")
    _unknown_keys(path, "source_rule", data, SOURCE_RULE_KEYS)
    if data.get("category") not in tax.names:
        raise _err(path, "source_rule", f"category {data.get('category')!r} is not a category")
    return SourceRule(data["category"], _str_list(path, "source_rule markers", data.get("markers")))


def _article20(path: Path, value: Any) -> dict[int, str]:
    if not isinstance(value, dict) or not value:
        raise _err(path, "article20", "must map item numbers to their text")
    items = {}
    for number, text in value.items():
        if not isinstance(number, int) or not isinstance(text, str):
            raise _err(path, f"article20 item {number!r}", "must be an integer mapped to text")
        items[number] = text
    return items


def _category(path: Path, i: int, data: Any, article20: dict[int, str]) -> Category:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise _err(path, f"categories[{i}]", "must be a mapping with a 'name'")
    entry = f"category {data['name']}"
    _unknown_keys(path, entry, data, CATEGORY_KEYS)
    items = data.get("article20") or []
    if not isinstance(items, list) or not items:
        raise _err(path, entry, "article20 must list at least one item number")
    for item in items:
        if item not in article20:
            raise _err(path, entry, f"article20 item {item!r} is not defined under article20")
    return Category(
        name=data["name"],
        article20=tuple(items),
        aliases=_str_list(path, f"{entry} aliases", data.get("aliases")),
        keywords=_str_list(path, f"{entry} keywords", data.get("keywords")),
        topics=_str_list(path, f"{entry} topics", data.get("topics")),
        suffixes=_str_list(path, f"{entry} suffixes", data.get("suffixes")),
    )


def _index(path: Path, categories: tuple[Category, ...]) -> dict[str, str]:
    """Map every name and alias (matching form) to its category; refuse any ambiguity."""
    index: dict[str, str] = {}
    for cat in categories:
        for label in (cat.name, *cat.aliases):
            key = label_key(label)
            if not key:
                raise _err(path, f"category {cat.name}", f"alias {label!r} has no letters")
            owner = index.get(key)
            if owner is not None:
                what = "category name" if label == cat.name else "alias"
                raise _err(
                    path, f"category {cat.name}", f"duplicate {what} {label!r} (already {owner})"
                )
            index[key] = cat.name
    return index


def _refinement(path: Path, i: int, data: Any, tax: Taxonomy) -> Refinement:
    entry = f"refinements[{i}]"
    if not isinstance(data, dict):
        raise _err(path, entry, "must be a mapping")
    _unknown_keys(path, entry, data, REFINEMENT_KEYS)
    for key in ("category", "becomes"):
        if data.get(key) not in tax.names:
            raise _err(path, entry, f"{key} {data.get(key)!r} is not a category of this taxonomy")
    return Refinement(
        category=data["category"],
        becomes=data["becomes"],
        when_title_has=_str_list(path, f"{entry} when_title_has", data.get("when_title_has")),
    )


def _genre_rule(path: Path, data: Any, tax: Taxonomy) -> GenreRule | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _err(path, "genre_rule", "must be a mapping")
    _unknown_keys(path, "genre_rule", data, GENRE_RULE_KEYS)
    if data.get("category") not in tax.names:
        raise _err(path, "genre_rule", f"category {data.get('category')!r} is not a category")
    return GenreRule(data["category"], _str_list(path, "genre_rule genres", data.get("genres")))
