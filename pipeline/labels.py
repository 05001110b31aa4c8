"""Evaluate classification against a labelled set of saved pages.

A labels file (YAML) names the taxonomy its labels belong to, a site profile and its pages: ``url``, expected ``category`` and
``genre``. Each page is read from a snapshot directory laid out as ``<host>/<path>`` (the
sample sites), extracted and classified exactly as a crawl would. Accuracy is reported overall
and on the pages that carry their own catalogue label (信息分类/栏目), where it must be near 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pipeline.classify import classify, match_label
from pipeline.encoding import decode_html
from pipeline.extract import ExtractionError, extract
from pipeline.genre import genre
from pipeline.taxonomy import Taxonomy, cached_taxonomy, label_key


@dataclass(frozen=True)
class PageResult:
    profile: str
    url: str
    expected: str
    got: str
    source: str
    expected_genre: str | None
    got_genre: str | None
    own_label: bool  # the page's own 信息分类 or 栏目 names a catalogue category


@dataclass
class Evaluation:
    results: list[PageResult] = field(default_factory=list)

    def accuracy(self, own_label_only: bool = False) -> float:
        rows = [r for r in self.results if r.own_label or not own_label_only]
        return sum(r.expected == r.got for r in rows) / len(rows) if rows else 0.0

    def genre_accuracy(self) -> float:
        rows = self.results
        return sum(r.expected_genre == r.got_genre for r in rows) / len(rows) if rows else 0.0

    def summary(self) -> dict[str, Any]:
        own = [r for r in self.results if r.own_label]
        return {
            "pages": len(self.results),
            "category_accuracy": round(self.accuracy(), 4),
            "pages_with_own_label": len(own),
            "category_accuracy_own_label": round(self.accuracy(own_label_only=True), 4),
            "genre_accuracy": round(self.genre_accuracy(), 4),
            "mistakes": [
                f"{r.profile} {r.url}: expected {r.expected}, got {r.got} ({r.source})"
                for r in self.results
                if r.expected != r.got
            ],
        }


def load_labels(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "profile" not in data or "pages" not in data:
        raise ValueError(f"{path}: a labels file needs 'profile' and 'pages'")
    return data


def has_own_label(document: Mapping[str, Any], tax: Taxonomy) -> bool:
    """True when the page's own 信息分类 or 栏目 label names a catalogue category."""
    outside = {label_key(o) for o in tax.outside_catalogue}
    for label in (document.get("category_label"), document.get("column")):
        if isinstance(label, str) and label_key(label) not in outside and match_label(tax, label):
            return True
    return False


def evaluate_page(
    html: bytes, page: Mapping[str, Any], profile: Mapping[str, Any], tax: Taxonomy
) -> PageResult:
    """Extract and classify one saved page as a crawl would, against its expected labels."""
    text = decode_html(html, None, profile.get("encoding")).text
    try:
        document = extract(text, page["url"], profile.get("selectors"))
    except ExtractionError as exc:
        document = {"title": None, "body": None, "column": None, "warnings": [str(exc)]}
    result = classify(document, profile.get("columns") or {}, tax)
    return PageResult(
        profile=profile["name"],
        url=page["url"],
        expected=page["category"],
        got=result.category,
        source=result.source,
        expected_genre=page.get("genre"),
        got_genre=genre(document.get("title")),
        own_label=has_own_label(document, tax),
    )


def evaluate(
    labels_files: Iterable[Path],
    profiles: Mapping[str, Mapping[str, Any]],
    snapshot: Path,
    tax: Taxonomy | None = None,
) -> Evaluation:
    """Evaluate every page of ``labels_files``; ``profiles`` maps profile name -> its dict
    (name, columns, selectors, encoding)."""
    tax = tax or cached_taxonomy()
    evaluation = Evaluation()
    for path in labels_files:
        labels = load_labels(path)
        if labels.get("taxonomy", tax.name) != tax.name:
            continue  # labelled in another taxonomy's categories
        profile = profiles[labels["profile"]]
        for page in labels["pages"]:
            parts = urlsplit(page["url"])
            html = (snapshot / parts.hostname / parts.path.lstrip("/")).read_bytes()
            evaluation.results.append(evaluate_page(html, page, profile, tax))
    return evaluation
