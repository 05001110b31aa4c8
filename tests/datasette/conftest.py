"""A small archive written by ArchiveWriter and served through build_datasette's client."""

from __future__ import annotations

import asyncio
import random

import pytest

from archive.serve import build_datasette
from archive.store import ArchiveWriter

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
        crawl = writer.start_crawl("sample-test", agency="濉溪县教育局")
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
            writer.add_page(capture, document)
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
def client(archive_path):
    client = Client(build_datasette(archive_path))
    yield client
    client.loop.close()


@pytest.fixture
def client_for():
    """Build a client for another archive file: ``client_for(path)``."""
    clients = []

    def build(path):
        clients.append(Client(build_datasette(path)))
        return clients[-1]

    yield build
    for client in clients:
        client.loop.close()
