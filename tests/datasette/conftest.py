"""A small archive written by ArchiveWriter and served through build_datasette's client."""

from __future__ import annotations

import asyncio
import random

import pytest

from archive.serve import build_datasette
from archive.store import ArchiveWriter
from tests.pages import write

WORDS = (
    "政务 公开 政务公开 教育 教育局 义务教育 招生 学校 评审 专家评审 社会保障 社会保障局 财政 预算 "
    "通知 关于 工作总结 年度 公示 项目 的 和 2021年 局 教 育"
).split()
XSS = "<script>alert('gongkai')</script>"


def text(rng: random.Random, words: int) -> str:
    return "".join(
        rng.choice(WORDS) + rng.choice(["", "", "，", "。", "\n\n"]) for _ in range(words)
    )


def write_archive(path, documents: int = 600) -> None:
    rng = random.Random(5)
    with ArchiveWriter(path, batch_size=100) as writer:
        crawl = writer.start_crawl("sample-test")
        for i in range(1, documents + 1):
            url = f"http://www.sxx.sample.test/zwgk/public/{i}.html"
            title, body = text(rng, 5), text(rng, rng.randint(5, 40))
            if i == documents:
                title, body = f"标题{XSS}", f"第一段{XSS}\n\n第二段<b>粗体</b>"
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "fetched_at": "2024-05-01T08:00:00Z", "body": body.encode(), "kind": "detail"}  # fmt: skip
            document = {
                "url": url,
                "title": title,
                "body": body,
                "published_at": f"2024-01-{i % 28 + 1:02d}",
            }
            write(writer, capture, document, agency="濉溪县教育局")
        writer.finish_crawl(crawl, "finished")


class Client:
    """Synchronous access to datasette.client on one event loop (no pytest-asyncio needed)."""

    def __init__(self, datasette):
        self.datasette = datasette
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(datasette.invoke_startup())

    def get(self, path: str, **kwargs):
        return self.loop.run_until_complete(self.datasette.client.get(path, **kwargs))

    def post(self, path: str, **kwargs):
        return self.loop.run_until_complete(self.datasette.client.post(path, **kwargs))


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    # Deliberately not named gongkai.db: the database must be "gongkai" whatever the file is.
    path = tmp_path_factory.mktemp("archive") / "some-crawl.db"
    write_archive(path)
    return path


@pytest.fixture(scope="module")
def client(archive_path, client_for):
    return client_for(archive_path)


@pytest.fixture(scope="session")
def client_for():
    """The one way tests reach Datasette: ``client_for(path, config_dir=...)`` builds a client
    for an archive file (closed when the session ends)."""
    clients = []

    def build(path, **kwargs):
        clients.append(Client(build_datasette(path, **kwargs)))
        return clients[-1]

    yield build
    for client in clients:
        client.loop.close()


# --- A small archive with known answers for the search page and exports -----------------
SEARCH_AGENCIES = ("濉溪县教育局", "濉溪县财政局")
SEARCH_XSS = "<script>alert(1)</script>"
# 300 characters, none repeated in any other document: a long pasted passage.
LONG_PASSAGE = "".join(chr(0x4E00 + 37 * i) for i in range(300))
ATTACHMENT_TEXT = "附件：教育装备采购清单。课桌椅三百套，预算金额四十万元。"


def search_documents() -> list[dict]:
    """45 教育 documents of the 教育局 (30 in 2021, 15 in 2022), 12 of the 财政局, specials."""
    docs = []
    for i in range(45):
        year = 2021 if i < 30 else 2022
        docs.append({"agency": SEARCH_AGENCIES[0], "title": f"教育工作简报第{i + 1}期",
                     "body": f"本期简报介绍全县教育工作进展。第{i + 1}期。",
                     "published_at": f"{year}-{i % 12 + 1:02d}-10",
                     "category": "财政资金" if i < 10 else "政策法规"})  # fmt: skip
    for i in range(12):
        docs.append({"agency": SEARCH_AGENCIES[1], "title": f"财政预算公开第{i + 1}号",
                     "body": "部门预算说明。", "published_at": f"2021-{i + 1:02d}-20",
                     "category": "财政资金"})  # fmt: skip
    docs += [
        {"agency": SEARCH_AGENCIES[0], "title": "关于做好2021年义务教育招生工作的通知",
         "body": "为做好义务教育招生入学工作，现通知如下。", "published_at": "2021-06-01",
         "category": "政策法规"},
        {"agency": SEARCH_AGENCIES[0], "title": "义务教育阶段学生资助",
         "body": "资助对象为义务教育学生。秋季招生另行通知。", "published_at": "2021-09-01",
         "category": "政策法规"},
        {"agency": SEARCH_AGENCIES[1], "title": f"关于网站发现{SEARCH_XSS}问题的通报",
         "body": f"留言中含有{SEARCH_XSS}脚本片段，已清理。", "published_at": "2021-09-14",
         "category": "监督保障"},
        {"agency": SEARCH_AGENCIES[0], "title": "濉溪县教育局2021年政府信息公开工作年度报告",
         "body": "主动公开政府信息情况。", "published_at": "2022-01-20", "category": "监督保障"},
        {"agency": SEARCH_AGENCIES[1], "title": "长文", "body": "前文。" + LONG_PASSAGE + "。后文",
         "published_at": "2020-05-05", "category": "政策法规"},
        {"agency": SEARCH_AGENCIES[0], "title": "教学仪器采购公告", "body": "详见附件。",
         "published_at": "2023-03-03", "category": "招标采购",
         "attachments": [{"url": "http://www.sxx.sample.test/files/a1.pdf", "name": "采购清单.pdf"}]},
    ]  # fmt: skip
    return docs


def write_search_archive(path) -> None:
    """Write search_documents(), then a report row and one attachment file with its text."""
    import hashlib
    import sqlite3

    from archive.search import cjk_bigrams

    with ArchiveWriter(path, batch_size=100) as writer:
        crawl = writer.start_crawl("sample-test")
        for i, doc in enumerate(search_documents(), start=1):
            url = f"http://www.sxx.sample.test/zwgk/public/{i}.html"
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "fetched_at": f"2024-05-01T08:00:{i % 60:02d}Z",
                       "body": f"<h1>{doc['title']}</h1>".encode(), "kind": "detail"}  # fmt: skip
            write(writer, capture, {"url": url, **doc})
        writer.finish_crawl(crawl, "finished")
    sha = hashlib.sha256(ATTACHMENT_TEXT.encode()).hexdigest()
    with sqlite3.connect(path) as conn:
        report_id = conn.execute("select id from documents where title like '%年度报告'").fetchone()
        conn.execute(
            "insert into reports (document_id, agency, year, format, parsed_at)"
            " values (?, '濉溪县教育局', 2021, 'prose', '2024-05-01T08:00:00Z')",
            report_id,
        )
        conn.execute(
            "insert into captures (crawl_id, profile, url, status, fetched_at, sha256, kind)"
            " values (1, 'sample-test', 'http://www.sxx.sample.test/files/a1.pdf', 200,"
            " '2024-05-01T08:01:00Z', ?, 'attachment')",
            [sha],
        )
        file_id = conn.execute(
            "insert into attachment_files (sha256, size, stored_path, status, text, first_url,"
            " first_seen) values (?, 10, 'x', 'extracted', ?, 'http://www.sxx.sample.test/"
            "files/a1.pdf', '2024-05-01T08:01:00Z')",
            [sha, ATTACHMENT_TEXT],
        ).lastrowid
        conn.execute(
            "insert into attachment_files_fts (rowid, text) values (?, ?)",
            [file_id, cjk_bigrams(ATTACHMENT_TEXT)],
        )


@pytest.fixture(scope="module")
def search_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "search.db"
    write_search_archive(path)
    return path


@pytest.fixture(scope="module")
def search_client(search_archive, client_for):
    return client_for(search_archive)


@pytest.fixture(scope="session")
def search_data() -> dict:
    """The search archive's known strings (conftest cannot be imported under importlib mode)."""
    return {"xss": SEARCH_XSS, "long": LONG_PASSAGE, "attachment": ATTACHMENT_TEXT}
