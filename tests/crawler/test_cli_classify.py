"""`gongkai classify --db PATH` re-classifies after a taxonomy edit; bad input exits 2."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import open_archive
from archive.store import ArchiveWriter
from crawler.cli import main
from pipeline.taxonomy import taxonomy_path
from tests.pages import write

BODY = "为做好2021年秋季学期开学工作,现将有关事项通知如下。" * 5


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "gongkai.db"
    with ArchiveWriter(path) as writer:
        crawl = writer.start_crawl("sample-test")
        for i, column in enumerate(["通知公告", "部门预算"]):
            url = f"https://a.sample.test/{i}.html"
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "headers": {}, "fetched_at": "2024-05-01T08:00:00Z", "body": b"x",
                       "kind": "detail"}  # fmt: skip
            document = {"url": url, "canonical_url": url, "site": "sample-test",
                        "title": f"关于开学工作的通知{i}", "column": column,
                        "body": BODY + str(i), "breadcrumb": []}  # fmt: skip
            write(writer, capture, document)
        writer.finish_crawl(crawl, "finished")
    return path


@pytest.fixture
def no_profiles(tmp_path):
    (tmp_path / "profiles").mkdir()
    return tmp_path / "profiles"


def run(*args):
    return CliRunner().invoke(main, ["classify", *map(str, args)])


def categories(path):
    db = open_archive(path)
    try:
        return db.execute("select column_name, category, category_source from documents").fetchall()
    finally:
        db.close()


def test_reclassify_after_taxonomy_edit(archive, tmp_path, no_profiles):
    assert categories(archive) == [
        ("通知公告", "未分类", "unclassified"),
        ("部门预算", "财政资金", "column"),
    ]
    edited = tmp_path / "edited.yml"
    text = taxonomy_path("anhui").read_text(encoding="utf-8")
    edited.write_text(
        text.replace("aliases: [新闻发布会,", "aliases: [通知公告, 新闻发布会,"), "utf-8"
    )
    result = run("--db", archive, "--taxonomy", edited, "--json", "--profiles-dir", no_profiles)
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["documents"] == 2
    assert counts["changed"] == 1
    assert categories(archive)[0] == ("通知公告", "新闻发布", "column")


def test_summary_line(archive, no_profiles):
    result = run("--db", archive, "--profiles-dir", no_profiles)
    assert result.exit_code == 0
    assert result.output.startswith(
        "classified 2 documents with taxonomy anhui: 0 changed, 1 未分类"
    )


def test_bad_taxonomy_is_one_line_and_exit_2(archive, tmp_path):
    bad = tmp_path / "bad.yml"
    text = taxonomy_path("anhui").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("aliases: [新闻发布会,", "aliases: [部门预算, 新闻发布会,"), "utf-8"
    )
    result = run("--db", archive, "--taxonomy", bad)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"gongkai: error: {bad}: category 新闻发布: duplicate alias '部门预算' (already 财政资金)"
    ]


def test_unknown_key_is_one_line_and_exit_2(archive, tmp_path):
    bad = tmp_path / "bad.yml"
    text = taxonomy_path("anhui").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("  - name: 新闻发布\n", "  - name: 新闻发布\n    colour: red\n"), "utf-8"
    )
    result = run("--db", archive, "--taxonomy", bad)
    assert result.exit_code == 2
    assert "bad.yml: category 新闻发布: unknown key 'colour'" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_database_exits_2(tmp_path):
    result = run("--db", tmp_path / "nope.db")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_profile_mapping_to_unknown_category_exits_2(archive, no_profiles):
    (no_profiles / "sample-test.yml").write_text(
        "name: sample-test\nagency: 测试局\nplatform: generic\n"
        "start_urls: ['https://a.sample.test/']\nallowed_domains: [a.sample.test]\n"
        "columns: {通知公告: 通知}\nsample: true\n",
        "utf-8",
    )
    result = run("--db", archive, "--profiles-dir", no_profiles)
    assert result.exit_code == 2, result.output
    assert "column '通知公告' maps to '通知'" in result.output


def test_evaluate_prints_accuracy_on_the_labelled_sample_pages():
    labels = Path(__file__).parents[1] / "fixtures/labels"
    result = run("--evaluate", labels, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["pages"] >= 100
    assert summary["category_accuracy_own_label"] >= 0.95


def test_neither_db_nor_evaluate_exits_2():
    result = run()
    assert result.exit_code == 2
    assert "give --db PATH" in result.output
