"""Chinese first on Datasette's own pages: column titles, times, rule names, linked ids.

- Column titles: the leading Chinese words of a column's description in metadata.yml
  (``发布日期（北京时间…）Published…`` → 发布日期), else the plugin's ``column_titles`` (columns
  that only canned queries produce); the column's own name stays beside it, small. Used by
  templates/_table.html (tables, rows) and templates/query-gongkai.html (queries).
- Times: the archive stores UTC (``2024-05-01T08:00:00.123456Z``); pages show Beijing time to
  the second, the stored UTC value in the tooltip. CSV and JSON keep what is stored.
- ``category_source`` values in words (依据页面标签 …), the stored value beside them.
- Ids link to their page: ``document_id`` and friends to the document page, ``report_id`` to
  the report, ``*capture_id`` to the capture — wherever the schema has no foreign key for
  Datasette to link (query results, views, plain integer columns).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from datasette import hookimpl
from markupsafe import Markup

from archive.serve import DATABASE_NAME

PLUGIN = "gongkai-labels"
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
UTC_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
LEADING_CHINESE = re.compile(r"^[\u3400-\u9fff“”、/·]+")
CATEGORY_SOURCES = {
    "label": "依据页面分类标签",
    "column": "依据页面栏目",
    "breadcrumb": "依据面包屑导航",
    "profile_column": "依据站点配置的栏目映射",
    "source": "依据来源（新闻媒体）",
    "title_keyword": "依据标题关键词",
    "title_genre": "依据标题体裁",
    "title_topic": "依据标题主题",
    "body_keyword": "依据正文关键词",
    "unclassified": "未能分类",
}
# Columns holding the id of a row of another table -> that table.
ID_LINKS = {
    **dict.fromkeys(
        (
            "document_id",
            "cited_id",
            "report_document_id",
            "representative_id",
            "first_citing_document_id",
        ),
        "documents",
    ),  # fmt: skip
    "report_id": "reports",
    **dict.fromkeys(
        (
            "capture_id",
            "latest_capture_id",
            "before_capture_id",
            "after_capture_id",
            "first_capture_id",
            "last_capture_id",
            "last_ok_capture_id",
            "content_capture_id",
            "first_missing_capture_id",
        ),
        "captures",
    ),  # fmt: skip
}


_FOREIGN_KEYS: dict[tuple[int, str], set[str]] = {}


def beijing(value: str | None) -> str | None:
    """``2024-05-01T08:00:00.5Z`` → ``2024-05-01 16:00:00`` (Beijing); other values unchanged."""
    if not isinstance(value, str) or not UTC_MOMENT.match(value):
        return value
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(BEIJING)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def leading_chinese(description: str | None) -> str | None:
    match = LEADING_CHINESE.match((description or "").strip())
    return match.group(0) if match else None


class Titles:
    """Chinese titles of columns, read once from the metadata (tables first, then extras)."""

    def __init__(self, datasette) -> None:
        self.datasette = datasette
        self._by_name: dict[str, str] | None = None

    def by_name(self) -> dict[str, str]:
        if self._by_name is None:
            metadata = self.datasette.metadata() or {}
            tables = metadata.get("databases", {}).get(DATABASE_NAME, {}).get("tables", {})
            titles: dict[str, str] = {}
            for table in ("documents", *tables):
                for name, description in (tables.get(table, {}).get("columns") or {}).items():
                    title = leading_chinese(description)
                    if title:
                        titles.setdefault(name, title)
            config = self.datasette.plugin_config(PLUGIN) or {}
            titles.update(config.get("column_titles") or {})
            self._by_name = titles
        return self._by_name

    def column(self, name: str, description: str | None = None) -> str:
        """The Chinese title of a column (its description's, else the shared one), or its name."""
        return leading_chinese(description) or self.by_name().get(name) or name

    def table(self, name: str) -> str:
        """A table's title from metadata.yml (文件 Documents), else its name."""
        metadata = self.datasette.metadata() or {}
        tables = metadata.get("databases", {}).get(DATABASE_NAME, {}).get("tables", {})
        return (tables.get(name) or {}).get("title") or name

    def param(self, name: str) -> str:
        config = self.datasette.plugin_config(PLUGIN) or {}
        return (config.get("params") or {}).get(name) or self.column(name)


def title_html(title: str, name: str) -> Markup:
    """``<span class="zh">发布日期</span> <span class="en">published_at</span>`` (one if equal)."""
    if title == name:
        return Markup('<span class="zh">{}</span>').format(title)
    return Markup('<span class="zh">{}</span> <span class="en">{}</span>').format(title, name)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    titles = Titles(datasette)
    env.filters["beijing"] = beijing
    env.filters["column_title"] = lambda name, description=None: title_html(
        titles.column(name, description), name
    )
    env.filters["param_title"] = lambda name: title_html(titles.param(name), name)
    env.filters["zh_title"] = titles.column
    env.filters["table_title"] = titles.table
    env.filters["category_source"] = lambda value: CATEGORY_SOURCES.get(value, value)


def _time(value: str) -> Markup:
    return Markup('<time datetime="{}" title="UTC {}">{}</time>').format(
        value, value, beijing(value)
    )


def _id_link(datasette, database: str, table: str, value: int) -> Markup:
    return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, table, value), value)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if isinstance(value, str) and UTC_MOMENT.match(value):
        return _time(value)
    if column == "category_source" and value in CATEGORY_SOURCES:
        return Markup('{} <small class="en">{}</small>').format(CATEGORY_SOURCES[value], value)
    target = ID_LINKS.get(column)
    if target is None or not isinstance(value, int) or database != DATABASE_NAME:
        return None
    if table is None:  # a query: nothing is linked unless we link it
        return _id_link(datasette, database, target, value)

    async def unless_a_foreign_key():
        key = (id(datasette), table)
        if key not in _FOREIGN_KEYS:  # the schema is fixed while served: ask once per table
            db = datasette.get_database(database)
            _FOREIGN_KEYS[key] = {fk["column"] for fk in await db.foreign_keys_for_table(table)}
        if column in _FOREIGN_KEYS[key]:
            return None  # Datasette links it, with the row's label
        return _id_link(datasette, database, target, value)

    return unless_a_foreign_key()
