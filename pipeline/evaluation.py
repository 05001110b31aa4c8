"""The real-page evaluation set: saved government pages, with expectations written by reading them.

Pages live under ``tests/fixtures/real/`` (provenance in each folder's SOURCE.md or PLATFORMS.md):

- ``<name>.html`` + ``<name>.expected.json`` in ``real/`` and ``real/pages/``;
- ``real/platforms/<name>.html`` + ``<name>.fields.json`` (the platform folder's
  ``expected.json`` files describe platform evidence, so field expectations sit beside them),
  and the same in ``real/browser-saved/`` (browser-saved copies of many more sites).

An expectation gives exact ``fields`` (null = must be missing), ``body_contains`` and
``body_not_contains`` snippets, ``attachments`` and the disclosure ``category``. Body quality is
scored the way trafilatura's own evaluation does: a wanted snippet found is a true positive,
missed a false negative; an unwanted snippet found is a false positive. Snippets are compared
with all whitespace removed, so line breaks do not count. Pages marked
``"body_text_trusted": false`` (browser-saved copies whose text was tampered with) are scored on
their fields and category only.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SPACE = re.compile(r"[\s\xa0\u3000]+")


@dataclass(frozen=True)
class RealPage:
    name: str  # folder/name, unique across the set
    html: Path
    expected: dict[str, Any]

    @property
    def body_trusted(self) -> bool:
        return self.expected.get("body_text_trusted", True)


def load_real_pages(root: Path) -> list[RealPage]:
    """Every page of the evaluation set under ``root`` (``tests/fixtures/real``), sorted by name."""
    found: list[RealPage] = []
    for folder, suffix in (("", ".expected.json"), ("pages", ".expected.json")):
        for path in sorted((root / folder).glob("*" + suffix)):
            expected = json.loads(path.read_text("utf-8"))
            if "fields" in expected:
                name = path.name.removesuffix(suffix)
                found.append(
                    RealPage(f"{folder or 'real'}/{name}", path.with_name(name + ".html"), expected)
                )
    for folder in ("platforms", "browser-saved"):
        for path in sorted((root / folder).glob("*.fields.json")):
            name = path.name.removesuffix(".fields.json")
            expected = json.loads(path.read_text("utf-8"))
            found.append(RealPage(f"{folder}/{name}", path.with_name(name + ".html"), expected))
    return found


def compact(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def body_counts(body: str | None, page: RealPage) -> tuple[int, int, int]:
    """(true positives, false negatives, false positives) of the page's body snippets."""
    if not page.body_trusted:
        wanted: list[str] = []
    else:
        wanted = page.expected.get("body_contains", [])
    text = compact(body)
    tp = sum(compact(s) in text for s in wanted)
    fp = sum(_found(s, body or "", text) for s in page.expected.get("body_not_contains", []))
    return tp, len(wanted) - tp, fp


def _found(snippet: str, body: str, text: str) -> bool:
    # A whitespace snippet ("\u3000", "\xa0") asks that the body has no such character.
    return compact(snippet) in text if compact(snippet) else snippet in body


def f1(tp: int, fn: int, fp: int) -> float:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass
class Scores:
    """Per-field hits and totals, body snippet counts and category results of one extractor."""

    fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    body: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, fn, fp
    categories: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # page, want, got, rule
    misses: list[str] = field(default_factory=list)

    def add_field(self, page: str, name: str, want: Any, got: Any, compare=None) -> None:
        ok = compare(want, got) if compare else want == got
        self.fields[name][0] += ok
        self.fields[name][1] += 1
        if not ok:
            self.misses.append(f"{page}: {name} want {want!r}, got {got!r}")

    def add_body(self, counts: tuple[int, int, int]) -> None:
        self.body = [a + b for a, b in zip(self.body, counts, strict=True)]

    def accuracy(self, name: str) -> float:
        hits, total = self.fields[name]
        return hits / total if total else 1.0

    def body_f1(self) -> float:
        return f1(*self.body)

    def category_accuracy(self) -> float:
        rows = self.categories
        return sum(want == got for _, want, got, _ in rows) / len(rows) if rows else 1.0

    def per_rule(self) -> dict[str, tuple[int, int]]:
        """Rule (category_source) -> (right, pages it decided)."""
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for _, want, got, rule in self.categories:
            total[rule] += 1
            right[rule] += want == got
        return {rule: (right[rule], total[rule]) for rule in sorted(total)}


def score_pages(
    pages: Iterable[RealPage],
    run: Callable[[RealPage], dict[str, Any]],
    fields: Iterable[str] | None = None,
    compare: dict[str, Callable[[Any, Any], bool]] | None = None,
) -> Scores:
    """Score ``run(page)`` (a record with extraction keys, optionally ``category``) on ``pages``.

    ``fields`` limits which expected fields are scored (trafilatura has no 索引号);
    ``compare`` overrides equality per field.
    """
    scores = Scores()
    compare = compare or {}
    for page in pages:
        record = run(page)
        for name, want in page.expected["fields"].items():
            if fields is None or name in fields:
                scores.add_field(page.name, name, want, record.get(name), compare.get(name))
        scores.add_body(body_counts(record.get("body"), page))
        if "category" in page.expected and "category" in record:
            rule = record.get("category_source") or "?"
            scores.categories.append(
                (page.name, page.expected["category"], record["category"], rule)
            )
    return scores
