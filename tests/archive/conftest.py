"""Builders for capture dicts (PageItem fields) and extraction dicts (`gongkai extract --json`)."""

from __future__ import annotations

import hashlib

import pytest


def unique_text(seed: str) -> str:
    """Chinese text that differs for every seed (a duplicate detector may ignore URLs, digits)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return (
        "正文" + "".join(chr(0x4E00 + byte * 80 + i) for i, byte in enumerate(digest[:12])) + "。"
    )


def make_capture(crawl_id: int, url: str, **overrides) -> dict:
    capture = {
        "crawl_id": crawl_id,
        "profile": "sample-test",
        "url": url,
        "final_url": url,
        "status": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "fetched_at": "2024-05-01T08:00:00Z",
        "body": b"<html>page</html>",
        "sha256": None,
        "declared_encoding": "utf-8",
        "used_encoding": "utf-8",
        "error": None,
        "kind": "detail",
    }
    return {**capture, **overrides}


def make_document(
    url: str, title: str = "关于教育招生的通知", body: str = "正文。", **overrides
) -> dict:
    document = {
        "url": url,
        "canonical_url": url,
        "site": "sample-test",
        "title": title,
        "agency": None,
        "published_at": "2024-04-30",
        "index_no": None,
        "doc_no": None,
        "written_at": None,
        "column": "通知公告",
        "keywords": None,
        "validity": None,
        "category_label": None,
        "breadcrumb": ["首页", "信息公开"],
        "body": body,
        "attachments": [],
        "sources": {"title": "meta", "body": "container"},
        "warnings": [],
    }
    return {**document, **overrides}


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "gongkai.db"


@pytest.fixture
def capture():
    return make_capture


@pytest.fixture
def document():
    return make_document
