"""Platform fingerprinting (pipeline.platform_detect) on real saved pages, one id per page.

Pages in tests/fixtures/real/platforms carry their platform in their .expected.json (written
by reading the page; sources in PLATFORMS.md); the other real pages' expectations are in
tests/fixtures/real/platform-detect.json. The sample sites' pages must be placed too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.samplesites.server import SITES_DIR
from pipeline.encoding import decode_html
from pipeline.platform_detect import detect

REAL = Path(__file__).resolve().parents[1] / "fixtures/real"
PLATFORM_PAGES = sorted(
    p
    for p in (REAL / "platforms").iterdir()
    # Beside each page: <name>.expected.json (platform) and maybe <name>.fields.json (fields).
    if p.suffix in (".html", ".xml", ".json")
    and not p.name.endswith((".expected.json", ".fields.json"))
)
OTHERS = json.loads((REAL / "platform-detect.json").read_text(encoding="utf-8"))
OTHERS.pop("_about")


def read(path: Path) -> str:
    return decode_html(path.read_bytes(), None, None).text


@pytest.mark.parametrize("path", PLATFORM_PAGES, ids=lambda p: p.name)
def test_real_platform_page_is_placed_with_evidence(path):
    expected = json.loads(
        path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json").read_text()
    )
    found = detect(read(path), expected.get("url"))
    assert found.platform == expected["platform"]
    assert found.evidence and 0 < found.confidence <= 1


@pytest.mark.parametrize(
    ("name", "case"), sorted(OTHERS.items()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_other_real_page(name, case):
    found = detect(read(REAL / name))
    assert found.platform == case["platform"]
    for needle in case["evidence"]:
        assert any(needle in line for line in found.evidence), (needle, found.evidence)
    if case["platform"] == "generic":
        assert found.confidence <= 0.5  # not knowing is never said with certainty


def test_json_contract_has_exactly_three_keys():
    found = detect(read(REAL / "platforms/kaipu-sc-gov-detail.html"))
    assert list(found.as_json()) == ["platform", "evidence", "confidence"]


def test_nfcms_page_is_gkmlpt_although_it_carries_trs_editor():
    # PLATFORMS.md: TRS_Editor survives content migration; NFCMS_* must win.
    found = detect(read(REAL / "platforms/gkmlpt-nfcms-foshan-detail.html"))
    assert found.platform == "gkmlpt" and found.facts["sid"] == 757001
    assert found.confidence == 0.35  # one NFCMS marker against a TRS class: said as such
    assert any(
        "TRS_Editor" in line and line.startswith("also seen (trs_wcm)") for line in found.evidence
    )


def test_jiangxi_column_codes_alone_do_not_make_a_hanweb_page():
    url = "http://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/index.html"
    found = detect(read(REAL / "platforms/generic-sthjt-jiangxi-column.html"), url)
    assert found.platform == "generic" and found.confidence < 0.5
    assert any(line.startswith("hanweb: column URL /col/colN/") for line in found.evidence)


def test_empty_and_unrelated_pages_are_generic_with_what_was_seen():
    for text in ("", "<html><body><p>你好</p></body></html>", "not html at all"):
        found = detect(text)
        assert found.platform == "generic" and found.confidence == 0.5
        assert found.evidence == ["no marker of trs_wcm, lonsun, hanweb, kaipu or gkmlpt"]


def test_cross_site_links_say_nothing_about_the_page():
    page = '<script src="http://www.other.gov.cn/module/visitcount/visit.jsp"></script>'
    assert detect(page, "http://www.x.gov.cn/news/1.html").platform == "generic"
    assert detect(page, "http://www.other.gov.cn/list.html").platform == "hanweb"


def test_facts_for_a_profile():
    gd = detect(read(REAL / "platforms/gkmlpt-nfcms-gd-gov-detail.html"))
    assert gd.facts["sid"] == 2 and gd.facts["site_name"]
    api = detect(read(REAL / "platforms/gkmlpt-zhaoqing-hjj-api.json"))
    assert api.platform == "gkmlpt" and api.facts["json"] is True
    jinan = detect(read(REAL / "platforms/hanweb-jnwl-jinan-detail.html"))
    assert jinan.facts["url"] == "http://jnwl.jinan.gov.cn/art/2019/7/10/art_42918_3436693.html"
    assert jinan.facts["agency"] == "济南市文化和旅游局"


SAMPLE_PAGES = {
    "trs_wcm": "zjj.qingchuan.sample.test/zwgk/zcjd/index.html",
    "lonsun": "www.sxx.sample.test/public/column/11521/161233761.html",
    "hanweb": "sthjj.minghu.sample.test/col/col1229301/index.html",
    "kaipu": "jyj.fengjiang.sample.test/fjjyj/c108201/zwgklist.shtml",
    "gkmlpt": "www.lingnan.sample.test/lnsfj/gkmlpt/index",
}


@pytest.mark.parametrize(("platform", "path"), sorted(SAMPLE_PAGES.items()))
def test_sample_site_pages_are_placed(platform, path):
    assert detect(read(SITES_DIR / path), "http://" + path).platform == platform
