"""Ranking that matches intent (issue 15, item 4): title and whole-phrase hits first,
near-identical notices folded under one result, the rest reachable by page."""

from __future__ import annotations

import re

import pytest

from archive.db import open_archive
from archive.store import ArchiveWriter
from pipeline.postcrawl.neardups import group_near_duplicates
from tests.pages import write

NOTICE = (
    "为进一步做好全县教育系统安全稳定工作，经研究，定于本周召开全县教育系统安全工作会议。"
    "请各乡镇中心学校校长、县直学校校长准时参加，不得缺席。会议地点：县教育局三楼会议室。"
    "会议内容：通报近期安全检查情况，部署下一阶段重点工作，签订安全目标责任书。"
)


def documents() -> list[dict]:
    docs = [  # newest first by date, ranked otherwise
        {"title": "杂项通知", "body": "义务教育阶段的秋季招生另行安排。", "published_at": "2024-06-01"},
        {"title": "工作动态", "body": "做好义务教育招生工作。", "published_at": "2024-05-01"},
        {"title": "义务教育学校名单及招生范围", "body": "见附表。", "published_at": "2024-04-01"},
        {"title": "关于义务教育招生的通知", "body": "正文。", "published_at": "2024-03-01"},
        {"title": "濉溪县教育局2021年政务公开工作总结", "body": "全年主动公开信息。",
         "published_at": "2022-01-20"},
    ]  # fmt: skip
    for day in range(1, 11):  # ten near-identical meeting notices, newer than the summary
        docs.append({"title": "关于召开全县教育系统安全工作会议的通知",
                     "body": NOTICE + f"会议时间：2024年7月{day}日上午九时。",
                     "published_at": f"2024-07-{day:02d}"})  # fmt: skip
    return docs


@pytest.fixture(scope="module")
def ranked_client(tmp_path_factory, client_for):
    path = tmp_path_factory.mktemp("ranking") / "gongkai.db"
    with ArchiveWriter(path) as writer:
        crawl = writer.start_crawl("sample-test")
        for i, doc in enumerate(documents(), start=1):
            url = f"http://www.sxx.sample.test/zwgk/{i}.html"
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "body": b"<p>page</p>", "kind": "detail"}  # fmt: skip
            write(writer, capture, {"url": url, "agency": "濉溪县教育局", **doc})
    db = open_archive(path)
    assert group_near_duplicates(db)["documents_in_groups"] == 10
    db.close()
    return client_for(path)


def titles(html: str) -> list[str]:
    return [re.sub(r"</?mark>", "", t) for t in re.findall(r'class="title" href="[^"]+">(.*?)</a>', html, re.S)]  # fmt: skip


def test_title_and_whole_phrase_hits_come_first(ranked_client):
    html = ranked_client.get("/-/search", params={"q": "义务教育 招生"}).text
    assert titles(html) == [
        "关于义务教育招生的通知",  # the whole query in the title
        "义务教育学校名单及招生范围",  # every term in the title
        "工作动态",  # the whole query in the text
        "杂项通知",  # the terms apart, newest of all
    ]


def test_near_identical_notices_fold_under_one_result(ranked_client):
    html = ranked_client.get("/-/search", params={"q": "教育"}).text
    assert "共 <strong>15</strong> 条结果" in html  # the count is every hit
    assert (
        titles(html)
        == [
            "关于召开全县教育系统安全工作会议的通知",  # ten notices, one line: the summary is 4th, not 11th
            "义务教育学校名单及招生范围",
            "关于义务教育招生的通知",
            "濉溪县教育局2021年政务公开工作总结",
            "杂项通知",  # 教育 in the text only
            "工作动态",
        ]
    )
    link = re.search(r'class="gongkai-similar"><a href="\?([^"]+)">还有 9 条相似通知', html)
    unfolded = ranked_client.get("/-/search?" + link.group(1).replace("&amp;", "&")).text
    assert titles(unfolded) == ["关于召开全县教育系统安全工作会议的通知"] * 10
    assert "共 <strong>10</strong> 条结果" in unfolded


def test_folded_results_page_like_any_other(ranked_client):
    rows = ranked_client.get("/-/export.csv", params={"q": "教育"}).text.splitlines()
    assert len(rows) == 1 + 15  # the export holds every hit, folded or not
