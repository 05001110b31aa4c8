"""The real-bureau profiles of issue 11 read the real pages their notes cite (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.platforms import discover
from crawler.profile import find_profile

REAL = Path(__file__).resolve().parents[1] / "fixtures/real/platforms"


def page(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def expected(name: str) -> dict:
    return json.loads(
        (REAL / f"{name.rsplit('.', 1)[0]}.expected.json").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("profile", "fixture", "url"),
    [
        ("gansu-jyt", "kaipu-jyt-gansu-list.html", "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"),
        ("jiangsu-gxt", "hanweb-gxt-jiangsu-dataproxy.xml",
         "https://gxt.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=75&perpage=25"),
        ("zhaoqing-hjj", "gkmlpt-zhaoqing-hjj-api.json",
         "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21023?page=1&sid=758019"),
    ],
)  # fmt: skip
def test_real_profile_finds_the_documents_its_real_page_lists(profile, fixture, url):
    data = find_profile(profile).as_dict()
    found = discover(page(fixture), url, data)
    assert found.error is None
    assert [u for u, _ in found.detail_urls][:10] == expected(fixture)["detail_links"]


def test_gkmlpt_profile_takes_its_column_from_the_start_url():
    data = find_profile("zhaoqing-hjj").as_dict()
    index = '<script>window._CONFIG = {TREE: [{"id": 21023, "name": "受理公告"}, {"id": 9, "name": "x"}]};</script>'
    found = discover(index, "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/index", data)
    assert found.fragment_urls == [
        "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21023?page=1&sid=758019"
    ]  # no SID on this page: the profile's; only the start URL's column


@pytest.mark.parametrize(
    "name",
    [
        "jiangsu-gxt",
        "jiangsu-sthjt",
        "hangzhou-yuhang",
        "gansu-jyt",
        "sc-sctcm",
        "gd-gov",
        "gz-mzj",
        "zhaoqing-hjj",
    ],
)
def test_real_profiles_are_marked_as_never_crawled_from_here(name):
    profile = find_profile(name)
    assert not profile.sample and not profile.exercised_offline and "Never crawled" in profile.notes
