"""Classify a document into the disclosure catalogue: one readable cascade, strongest rule first.

1. the page's own label (组配分类/信息分类, then its 栏目 column name) matched against the taxonomy;
2. the breadcrumb, deepest entry first;
3. the site profile's ``columns`` mapping (column name -> category);
4. the source: a document whose 来源 is a newspaper or 融媒体中心 is news;
5. the title: specific keywords, then the genre rule (a bureau's own 通知/意见/办法 is a 部门文件),
   then subject topics;
6. the body's keywords and topics, when one category clearly dominates;
7. otherwise the taxonomy's unclassified label (未分类) with the reason.

Labels that say nothing about the subject never decide: generic columns and crumbs (首页, 政务公开,
通知公告 …), 主题分类 subjects (综合政务\\政务公开) and labels outside the catalogue
(政府信息公开年报); the reason records each. A catch-all column (工作动态) yields to a title that
names its own kind (…的通知, …许可结果公示). Nothing is dropped: an unmatched document is still
returned, classified as 未分类, with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from pipeline.genre import genre
from pipeline.taxonomy import Taxonomy, TaxonomyError, cached_taxonomy, label_key

# A breadcrumb entry longer than this is a page title, not a column name.
MAX_LABEL_CHARS = 24
# Body keywords are weak evidence: demand a clear winner.
BODY_MIN_HITS = 3
BODY_MARGIN = 2.0
# Shorter aliases ("扶贫", "督查") are too common inside other words to match by containment.
MIN_CONTAINED_ALIAS = 4
# How breadcrumbs arrive: one string "首页 政务公开 政策文件", or "首页 > 政务公开 › 政策文件".
_QUOTED = re.compile(r"《[^《》]*》")
_CRUMB_SEPARATORS = re.compile(r"\s*(?:>>|>|›|»|→|/|＞|\\)\s*|\s+")


# Every rule that can decide a category: documents.category_source holds one of these.
RULES = (
    "label", "column", "breadcrumb", "profile_column", "source", "title_keyword", "title_genre",
    "title_topic", "body_keyword", "unclassified",
)  # fmt: skip


class Classification(NamedTuple):
    category: str
    source: str  # one of RULES
    raw_label: str | None  # the label, column, breadcrumb entry or keyword that decided
    reason: str


def classify(
    document: Mapping[str, Any],
    columns: Mapping[str, str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> Classification:
    """Classify ``document`` (keys as produced by ``pipeline.extract``) into ``taxonomy``.

    ``columns`` is the site profile's column -> category mapping; an unknown target category
    raises :class:`TaxonomyError` (a configuration error, not a classification result).
    """
    tax = taxonomy or cached_taxonomy()
    title = document.get("title") or ""
    steps = (
        lambda: _from_labels(tax, [document.get("category_label")], "label", title),
        lambda: _from_labels(tax, [document.get("column")], "column", title),
        lambda: _from_labels(tax, _breadcrumb(document, title), "breadcrumb", title),
        lambda: _from_profile(tax, columns or {}, document, title),
        lambda: _from_source(tax, document.get("agency")),
        lambda: _from_title(tax, title, "keywords"),
        lambda: _from_genre(tax, title),
        lambda: _from_title(tax, title, "topics"),
        lambda: _from_body(tax, document.get("body") or ""),
    )
    notes: list[str] = []
    for step in steps:
        found = step()
        if isinstance(found, str):  # a step that explains why it decided nothing
            notes.append(found)
        elif found is not None:
            found = _refine(tax, found, title, document.get("agency"))
            return found._replace(reason="; ".join([found.reason, *notes]))
    reason = "no label, breadcrumb, column or keyword matched"
    return Classification(tax.unclassified, "unclassified", None, "; ".join([reason, *notes]))


def classify_fields(
    document: Mapping[str, Any],
    columns: Mapping[str, str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> dict[str, str | None]:
    """The document keys the archive stores: category, category_source, category_raw,
    category_reason, genre."""
    result = classify(document, columns, taxonomy)
    return {
        "category": result.category,
        "category_source": result.source,
        "category_raw": result.raw_label,
        "category_reason": result.reason,
        "genre": genre(document.get("title")),
    }


def check_columns(taxonomy: Taxonomy, columns: Mapping[str, str], where: str = "columns") -> None:
    """Raise :class:`TaxonomyError` if a profile maps a column to a category the taxonomy lacks."""
    for column, category in columns.items():
        if mapped_category(taxonomy, category) is None:
            raise TaxonomyError(
                f"{where}: column {column!r} maps to {category!r}, "
                f"not a category of taxonomy {taxonomy.name}"
            )


def mapped_category(taxonomy: Taxonomy, target: str) -> str | None:
    """The category a profile's mapping target names: a category, or an alias of one.

    Profiles are written against the Anhui names; another taxonomy lists those names as
    aliases (招标采购 -> 政府集中采购), so the same profiles serve it."""
    if target in taxonomy.names:
        return target
    return taxonomy.index.get(label_key(target))


class _Keys(NamedTuple):
    """A taxonomy's words in matching form, computed once: the classifier runs on every page,
    and normalising every keyword of every category per page was most of its cost."""

    long_aliases: tuple[str, ...]  # index keys long enough to match by containment
    keywords: tuple[tuple[str, int, int, str, str], ...]  # (key, len, -order, category, word)
    topics: tuple[tuple[str, int, int, str, str], ...]
    body_words: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (category, ((word, key)))


_KEYS: dict[int, tuple[Taxonomy, _Keys]] = {}


def _keys(tax: Taxonomy) -> _Keys:
    cached = _KEYS.get(id(tax))
    if cached is not None and cached[0] is tax:
        return cached[1]

    def words(kind: str) -> tuple[tuple[str, int, int, str, str], ...]:
        return tuple(
            (label_key(w), len(w), -order, cat.name, w)
            for order, cat in enumerate(tax.categories)
            for w in getattr(cat, kind)
        )

    keys = _Keys(
        tuple(k for k in tax.index if len(k) >= MIN_CONTAINED_ALIAS),
        words("keywords"),
        words("topics"),
        tuple(
            (cat.name, tuple((w, label_key(w)) for w in (*cat.keywords, *cat.topics)))
            for cat in tax.categories
        ),
    )
    _KEYS[id(tax)] = (tax, keys)  # the taxonomy is kept, so its id is never reused
    return keys


def match_label(tax: Taxonomy, label: str) -> tuple[str, str] | None:
    """Category for one label: exact name/alias, then each /-separated part, then the longest
    contained alias, then a category's column-name ending (镇街动态 -> 新闻发布).
    Returns (category, how) or None."""
    key = label_key(label)
    if not key:
        return None
    if key in tax.index:
        return tax.index[key], "exact"
    for part in reversed(_split_label(label)):
        if label_key(part) in tax.index:
            return tax.index[label_key(part)], "part"
    contained = [k for k in _keys(tax).long_aliases if k in key]
    if contained:
        return tax.index[max(contained, key=len)], "contains"
    if len(label) <= MAX_LABEL_CHARS:
        for cat in tax.categories:
            if any(key.endswith(label_key(s)) and key != label_key(s) for s in cat.suffixes):
                return cat.name, "suffix"
    return None


def _split_label(label: str) -> list[str]:
    for sep in (">", "》", "/", "\\", "|", "-", "—"):
        label = label.replace(sep, "\x00")
    return [p.strip() for p in label.split("\x00") if p.strip()]


def _is_outside(tax: Taxonomy, label: str) -> bool:
    key = label_key(label)
    return any(label_key(o) == key for o in tax.outside_catalogue)


def _from_labels(
    tax: Taxonomy, labels: Iterable[Any], source: str, title: str = ""
) -> Classification | str | None:
    misses: list[str] = []
    passed: dict[str, list[str]] = {}  # why a label decided nothing -> labels
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            continue
        if _is_outside(tax, label):
            return f"{source} {label.strip()!r} is outside the {tax.title}"
        why_not = _says_nothing(tax, label)
        if why_not:
            passed.setdefault(why_not, []).append(label.strip())
            continue
        found = match_label(tax, label)
        if found:
            category, how = found
            decided = Classification(category, source, label.strip(), f"{source} {how} match")
            return _yield_to_title(tax, decided, title)
        misses.append(label.strip())
    notes = [f"{source} {'/'.join(names)!r} {why}" for why, names in passed.items()]
    if misses:
        notes.append(f"{source} {'/'.join(misses)!r} is not in taxonomy {tax.name}")
    return "; ".join(notes) or None


def _says_nothing(tax: Taxonomy, label: str) -> str | None:
    """Why a label cannot decide a category (a generic column, a 主题分类 subject), or None."""
    key = label_key(label)
    if key in tax.generic_labels and key not in tax.index:  # an explicit alias still decides
        return "says nothing about the subject"  # 首页, 政务公开, 通知公告 …
    parts = _split_label(label)
    if parts and label_key(parts[0]) in tax.subject_labels:
        return "is a 主题分类 subject, not a catalogue column"
    return None


def _yield_to_title(tax: Taxonomy, decided: Classification, title: str) -> Classification:
    """A catch-all column (工作动态 -> 新闻发布) gives way to the title's own keyword or genre."""
    if decided.category not in tax.yields_to_title or not title:
        return decided
    stronger = _from_title(tax, title, "keywords") or _from_genre(tax, title)
    if stronger is None or stronger.category == decided.category:
        return decided
    reason = f"{stronger.reason}; {decided.source} {decided.raw_label!r} is a catch-all column"
    return stronger._replace(reason=reason)


def _from_source(tax: Taxonomy, agency: Any) -> Classification | None:
    rule = tax.source_rule
    if rule is None or not isinstance(agency, str):
        return None
    marker = next((m for m in rule.markers if m in agency), None)
    if marker is None:
        return None
    return Classification(rule.category, "source", agency, f"source {agency!r} is a news medium")


def _breadcrumb(document: Mapping[str, Any], title: str) -> list[str]:
    """Breadcrumb entries deepest first, without the page's own title."""
    crumbs = [
        part
        for crumb in document.get("breadcrumb") or []
        if isinstance(crumb, str)
        for part in _CRUMB_SEPARATORS.split(crumb.strip())
        if part
    ]
    title_key = label_key(title)
    return [c for c in reversed(crumbs) if len(c) <= MAX_LABEL_CHARS and label_key(c) != title_key]


def _from_profile(
    tax: Taxonomy, columns: Mapping[str, str], document: Mapping[str, Any], title: str
) -> Classification | None:
    if not columns:
        return None
    by_key = _column_keys(tax, tuple(columns.items()))
    for label in [document.get("column"), *_breadcrumb(document, title)]:
        if isinstance(label, str) and label_key(label) in by_key:
            return Classification(
                by_key[label_key(label)], "profile_column", label.strip(), "profile columns mapping"
            )
    return None


_COLUMN_KEYS: dict[tuple, dict[str, str | None]] = {}


def _column_keys(tax: Taxonomy, columns: tuple[tuple[str, str], ...]) -> dict[str, str | None]:
    """A profile's mapping checked against the taxonomy and keyed by label_key, once per
    mapping (not per page)."""
    cache_key = (id(tax), columns)
    if cache_key not in _COLUMN_KEYS:
        check_columns(tax, dict(columns))
        _keys(tax)  # keeps ``tax`` alive with its id, see _KEYS
        _COLUMN_KEYS[cache_key] = {label_key(k): mapped_category(tax, v) for k, v in columns}
    return _COLUMN_KEYS[cache_key]


def _from_title(tax: Taxonomy, title: str, kind: str) -> Classification | None:
    """Longest keyword (or topic) of any category found in the title; ties go to file order."""
    # Also the title without the documents it quotes: 关于征求《…工作方案》意见的公告 asks for
    # comments (征求意见) although the quoted name splits the phrase.
    key = label_key(title) + "\x00" + label_key(_QUOTED.sub("", title))
    found = [entry[1:] for entry in getattr(_keys(tax), kind) if entry[0] in key]
    if not found:
        return None
    best = max(found)
    source = "title_keyword" if kind == "keywords" else "title_topic"
    return Classification(best[2], source, best[3], f"title contains {kind[:-1]}")


def _from_genre(tax: Taxonomy, title: str) -> Classification | None:
    rule = tax.genre_rule
    kind = genre(title)
    if rule is None or kind not in rule.genres:
        return None
    return Classification(rule.category, "title_genre", kind, f"title is a {kind} (部门文件)")


def _from_body(tax: Taxonomy, body: str) -> Classification | str | None:
    key = label_key(body)
    if not key:
        return None
    scores = []
    for name, words in _keys(tax).body_words:
        hits = {w: key.count(k) for w, k in words}
        total = sum(hits.values())
        if total:
            scores.append((total, name, max(hits, key=hits.get)))
    scores.sort(key=lambda s: -s[0])
    if not scores or scores[0][0] < BODY_MIN_HITS:
        return None
    if len(scores) > 1 and scores[0][0] < BODY_MARGIN * scores[1][0]:
        ranked = ", ".join(f"{name}({n})" for n, name, _ in scores[:3])
        return f"body keywords ambiguous: {ranked}"
    total, name, word = scores[0]
    return Classification(name, "body_keyword", word, f"body has {total} keyword hits")


def _refine(tax: Taxonomy, found: Classification, title: str, agency: Any = None) -> Classification:
    """Apply the taxonomy's refinements (政策解读 -> 上级政策解读 when the title names a higher
    authority), unless the page itself named the category exactly.

    A marker the publishing agency's own name contains is no higher authority: 省 in the title
    of 江西省市场监督管理局's own 解读 names its own level.
    """
    exact = found.raw_label is not None and label_key(found.raw_label) == label_key(found.category)
    if exact:
        return found
    for rule in tax.refinements:
        if found.category == rule.category:
            own = agency if isinstance(agency, str) else ""
            marker = next((m for m in rule.when_title_has if m in title and m not in own), None)
            if marker:
                reason = f"{found.reason}; title names {marker!r}, so {rule.becomes}"
                return found._replace(category=rule.becomes, reason=reason)
    return found
