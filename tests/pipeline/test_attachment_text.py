"""Attachment type sniffing and text extraction on the sample sites' files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.attachments import (
    OLE2,
    attachment_links,
    extract_attachment,
    sniff,
    type_note,
    zip_bomb,
)
from pipeline.urls import within_domains
from tests.tools import require_tool

ASSETS = Path(__file__).resolve().parents[2] / "crawler/samplesites/assets"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


CASES = [
    ("budget-2021.pdf", "application/pdf", "extracted", "部门预算公开说明"),
    ("admission-form-2021.docx", DOCX, "extracted", "义务教育阶段学校招生入学报名表"),
    ("budget-final-2021.xls", "application/vnd.ms-excel", "extracted", "一般公共服务支出"),
    ("tender-result.xlsx", XLSX, "extracted", "安徽某建设工程有限公司"),
    ("enrollment-notice.doc", "application/rtf", "extracted", "请携带户口簿和房产证明原件"),
    ("invoice-2021.ofd", "application/ofd", "no extractor", None),
    ("empty-form.pdf", None, "empty file", None),
]


@pytest.mark.parametrize("name, media_type, status, contains", CASES, ids=[c[0] for c in CASES])
def test_sample_asset(name, media_type, status, contains):
    reading = extract_attachment((ASSETS / name).read_bytes())
    assert (reading.media_type, reading.status) == (media_type, status)
    if contains:
        assert contains in reading.text
    else:
        assert reading.text is None and reading.error


def test_file_that_lies_about_its_type_is_noted():
    media_type = sniff((ASSETS / "enrollment-notice.doc").read_bytes())
    note = type_note("http://a.test/x/notice.doc", "application/msword", media_type)
    # The server's claim matches the extension's, so the note names the lie once.
    assert note == "extension .doc but content is application/rtf"


def test_html_error_page_served_as_pdf_is_not_read_as_pdf():
    reading = extract_attachment(b"<!DOCTYPE html><html><body>404</body></html>")
    assert reading.media_type == "text/html" and reading.status == "no extractor"
    assert type_note("http://a.test/f.pdf", "text/html", "text/html") == (
        "extension .pdf but content is text/html"
    )


def test_broken_word_file_keeps_its_error():
    fake = OLE2 + "WordDocument".encode("utf-16-le") + b"\x00" * 600
    reading = extract_attachment(fake)
    assert reading.media_type == "application/msword"
    assert reading.status == "failed" and reading.extractor in ("antiword", "catdoc")
    assert reading.error


def test_truncated_pdf_keeps_its_error():
    data = (ASSETS / "budget-2021.pdf").read_bytes()[:400]
    reading = extract_attachment(data)
    assert reading.media_type == "application/pdf"
    assert reading.status in ("failed", "no text") and reading.error


def test_attachment_links_resolved_and_limited_to_allowed_domains():
    html = (
        '<a href="./P020.pdf">附件1</a> <a href="/group6/M00/a.DOCX?v=1">附件2</a>'
        ' <a href="http://other.test/x.xls">外站</a> <a href="./page.html">正文</a>'
        ' <a href="./P020.pdf">重复</a>'
    )
    links = attachment_links(html, "http://a.test/col/202101/t1.html")
    assert links == [
        "http://a.test/col/202101/P020.pdf",
        "http://a.test/group6/M00/a.DOCX",
        "http://other.test/x.xls",
    ]
    assert [u for u in links if within_domains(u, ["a.test"])] == links[:2]


def test_real_legacy_word_file_is_read_with_antiword_or_catdoc():
    tool = Path(require_tool("antiword", "catdoc", package="antiword")).name
    fixtures = Path(__file__).resolve().parents[1] / "fixtures/attachments"
    expected = json.loads((fixtures / "standardized_text.expected.json").read_text())
    reading = extract_attachment((fixtures / "standardized_text.doc").read_bytes())
    assert (reading.media_type, reading.status) == (expected["media_type"], expected["status"])
    assert reading.extractor in expected["extractor_one_of"]
    assert reading.extractor == tool  # the reading records which program read it
    assert expected["contains"] in reading.text


def test_a_zip_bomb_is_refused_before_any_reader_inflates_it():
    from crawler.samplesites.hostile import zip_bomb as make_bomb

    bomb = make_bomb(mib=300)  # 300 MiB of zeros in about 300 kB, named like a DOCX
    assert len(bomb) < 1_000_000
    reading = extract_attachment(bomb)
    assert reading.status == "failed" and reading.error.startswith("zip bomb: members inflate")
    assert zip_bomb(ASSETS.joinpath("admission-form-2021.docx").read_bytes()) is None
