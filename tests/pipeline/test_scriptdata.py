"""pipeline.scriptdata: a gkmlpt page's script-only document becomes markup the cascade reads."""

from pathlib import Path

from pipeline.encoding import decode_html
from pipeline.extract import extract
from pipeline.scriptdata import script_detail, with_script_detail

REAL = Path(__file__).resolve().parents[1] / "fixtures/real/platforms"
SAMPLE = (
    Path(__file__).resolve().parents[2] / "crawler/samplesites/sites/www.lingnan.sample.test"
    "/lnsfj/gkmlpt/content/3/3255/post_3255421.html"
)


def test_real_gkmlpt_detail_gives_its_body_and_attachment():
    page = decode_html((REAL / "gkmlpt-zhaoqing-hjj-detail.html").read_bytes()).text
    record = extract(
        page, "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/content/3/3255/post_3255421.html"
    )
    assert "公告期限：自本公告发布之日起10个工作日届满" in record["body"]
    assert record["sources"]["body"] == "container"
    assert [a["name"] for a in record["attachments"]] == ["报告书（公开版）.pdf"]


def test_sample_gkmlpt_detail_has_a_body():
    record = extract(SAMPLE.read_text("utf-8"), "http://www.lingnan.sample.test/x.html")
    assert record["body"].startswith("各乡镇（园区）、县直各单位：")


def test_pages_without_script_data_are_unchanged():
    page = "<html><body><script>window._CONFIG = {ACTION: 'list'};</script></body></html>"
    assert script_detail(page) is None and with_script_detail(page) == page


def test_broken_script_data_is_ignored_not_fatal():
    page = '<html><body><script>window._CONFIG = {DETAIL: {"content": "<p>x</p>",</script>'
    assert with_script_detail(page) == page


def test_script_title_is_escaped_as_text():
    page = (
        '<html><body><script>window._CONFIG = {DETAIL: {"title": "<b>t</b>", '
        '"content": "<p>正文</p>"}};</script></body></html>'
    )
    assert '<h1 class="gkmlpt-title">&lt;b&gt;t&lt;/b&gt;</h1>' in with_script_detail(page)
