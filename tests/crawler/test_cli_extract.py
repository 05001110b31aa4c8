"""`gongkai extract FILE --url URL --json`: the contract other tools rely on."""

import json
from pathlib import Path

from tests.gongkai_cli import gongkai

SEED = (
    Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "lonsun-seed-suixi-jyj.html"
)
CONTRACT_KEYS = {
    "title",
    "published_at",
    "agency",
    "index_no",
    "doc_no",
    "column",
    "body",
    "attachments",
    "written_at",
    "keywords",
    "validity",
    "category_label",
    "breadcrumb",
    "sources",
    "warnings",
    "url",
    "category",
    "category_source",
    "category_reason",
}


def test_json_contract_on_the_seed_page():
    result = gongkai(
        "extract", str(SEED), "--url", "http://www.sxx.sample.test/zwgk/a.html", "--json"
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert CONTRACT_KEYS <= record.keys()
    assert record["title"] == "濉溪县教育局2021年政务公开工作总结"
    assert record["published_at"] == "2022-02-22 08:23"
    assert record["agency"] == "濉溪县教育局"
    assert record["doc_no"] is None and record["attachments"] == []
    assert "濉溪县教育局" in result.stdout  # ensure_ascii=False: readable Chinese, not \\u escapes


def test_missing_values_are_null_not_invented(tmp_path):
    page = tmp_path / "bare.html"
    page.write_text(
        "<html><head><title>关于开展安全检查的通知</title></head>"
        "<body><div><p>各单位：请于本周内完成自查。</p></div></body></html>",
        "utf-8",
    )
    record = json.loads(
        gongkai("extract", str(page), "--url", "http://a.test/x.html", "--json").stdout
    )
    assert record["title"] == "关于开展安全检查的通知"
    assert record["body"] == "各单位：请于本周内完成自查。"
    for field in ("published_at", "agency", "index_no", "doc_no", "column", "written_at"):
        assert record[field] is None, field


def test_unparseable_page_prints_error_json_and_exits_1(tmp_path):
    page = tmp_path / "truncated.html"
    page.write_bytes(b"<html><head><meta charset='utf-8'>")
    result = gongkai("extract", str(page), "--url", "http://a.test/x.html", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_is_one_line_exit_2_without_traceback(tmp_path):
    result = gongkai("extract", str(tmp_path / "nope.html"), "--url", "http://a.test/")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and "nope.html" in result.stderr


def test_readable_summary_without_json():
    result = gongkai("extract", str(SEED), "--url", "http://www.sxx.sample.test/a.html")
    assert result.returncode == 0
    assert "title: 濉溪县教育局2021年政务公开工作总结" in result.stdout
    assert "教育是国之大计" in result.stdout


def test_unknown_encoding_is_bad_input_exit_2():
    result = gongkai("extract", str(SEED), "--url", "http://a.test/", "--encoding", "klingon")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "klingon" in result.stderr


def test_encoding_override_is_used(tmp_path):
    page = tmp_path / "gbk.html"
    page.write_bytes("<html><body><div id='zoom'><p>朱镕基</p></div></body></html>".encode("gbk"))
    record = json.loads(
        gongkai(
            "extract", str(page), "--url", "http://a.test/", "--json", "--encoding", "gbk"
        ).stdout
    )
    assert record["body"] == "朱镕基" and record["encoding"] == "gb18030"


def test_gbk_page_without_charset_is_sniffed(tmp_path):
    page = tmp_path / "gbk.html"
    html = "<html><head><title>关于朱镕基同志题词的说明</title></head><body><div id='zoom'>"
    html += "<p>发布时间：2021-03-05 10:20:00</p><p>正文第一段。</p></div></body></html>"
    page.write_bytes(html.encode("gbk"))
    record = json.loads(gongkai("extract", str(page), "--url", "http://a.test/", "--json").stdout)
    assert record["title"] == "关于朱镕基同志题词的说明" and record["encoding"] == "gb18030"
    assert record["published_at"] == "2021-03-05 10:20"


def test_utf8_bom_page(tmp_path):
    page = tmp_path / "bom.html"
    html = "<html><head><meta charset='utf-8'><title>带BOM的页面标题</title></head>"
    html += "<body><div class='TRS_Editor'><p>正文。</p></div></body></html>"
    page.write_bytes(b"\xef\xbb\xbf" + html.encode("utf-8"))
    result = gongkai("extract", str(page), "--url", "http://a.test/", "--json")
    record = json.loads(result.stdout)
    assert (record["title"], record["body"]) == ("带BOM的页面标题", "正文。")


def test_date_only_in_a_text_line_not_in_scripts(tmp_path):
    page = tmp_path / "line.html"
    html = (
        "<html><head><title>某县召开工作会议</title><script>var t='发布时间：1999-01-01';</script>"
    )
    html += "</head><body><h1>某县召开工作会议</h1><div>日期：2021年3月5日　来源：县政府办</div>"
    html += "<div class='article-content'><p>会议要求。</p></div></body></html>"
    page.write_text(html, "utf-8")
    record = json.loads(gongkai("extract", str(page), "--url", "http://a.test/", "--json").stdout)
    assert record["published_at"] == "2021-03-05"
    assert record["agency"] == "县政府办"


def test_empty_file_is_one_line_error(tmp_path):
    page = tmp_path / "empty.html"
    page.write_bytes(b"")
    result = gongkai("extract", str(page), "--url", "http://a.test/")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "empty page" in result.stderr


def test_non_html_file_is_one_line_error_without_traceback(tmp_path):
    for name, data in (("a.json", b'{"a": [1, 2]}'), ("b.bin", bytes(range(256)) * 8)):
        page = tmp_path / name
        page.write_bytes(data)
        result = gongkai("extract", str(page), "--url", "http://a.test/", "--json")
        assert result.returncode == 1, name
        assert json.loads(result.stdout)["error"] == "not an HTML page"
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_json_says_where_the_page_is_filed_and_why():
    record = json.loads(
        gongkai("extract", str(SEED), "--url", "http://www.sxx.sample.test/a.html", "--json").stdout
    )
    # The seed's own 信息分类 政府信息公开年报 is outside the catalogue: the title decides
    # (…政务公开工作总结: 监督保障, as tests/fixtures/labels/sample-suixi-jyj.yml labels it).
    assert (record["category"], record["category_source"]) == ("监督保障", "title_keyword")
    assert "政府信息公开年报" in record["category_reason"]


def test_taxonomy_option_files_in_another_taxonomy(tmp_path):
    page = tmp_path / "budget.html"
    page.write_text(
        "<html><head><title>某局2021年部门预算</title></head><body><div class='position'>"
        "当前位置：首页 &gt; 政务公开 &gt; 部门预算</div><div id='zoom'><p>预算说明。</p></div>"
        "</body></html>",
        "utf-8",
    )
    args = ("extract", str(page), "--url", "http://a.test/x.html", "--json")
    assert json.loads(gongkai(*args).stdout)["category"] == "财政资金"
    other = json.loads(gongkai(*args, "--taxonomy", "article20").stdout)
    assert (other["category"], other["category_source"]) == ("财政预算决算", "column")


def test_unknown_taxonomy_is_one_line_exit_2():
    result = gongkai("extract", str(SEED), "--url", "http://a.test/", "--taxonomy", "nope")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


REAL_RESPONSES = SEED.parents[1] / "real" / "responses"


def test_verdict_of_a_document_is_ok():
    result = gongkai(
        "extract", str(SEED), "--url", "http://www.sxx.sample.test/zwgk/a.html", "--json"
    )
    assert json.loads(result.stdout)["verdict"] == {"outcome": "ok", "reason": None}


def test_verdict_names_a_challenge_from_status_and_headers(tmp_path):
    page = tmp_path / "jsl.html"
    page.write_text(
        '<script>var x="d@s".split("@");location.href=location.pathname</script>', "utf-8"
    )
    args = ("extract", str(page), "--url", "http://a.test/1.html", "--json")
    plain = json.loads(gongkai(*args).stdout)["verdict"]
    challenged = gongkai(*args, "--status", "521", "--header", "X-Via-Jsl: 1,-",
                         "--header", "Set-Cookie: __jsluid_h=1; path=/")  # fmt: skip
    assert plain["outcome"] != "blocked"
    assert json.loads(challenged.stdout)["verdict"] == {
        "outcome": "blocked", "reason": "HTTP 521: 加速乐 (Jiasule) JavaScript cookie challenge",
    }  # fmt: skip
    assert challenged.returncode == 1 and "Traceback" not in challenged.stderr


def test_verdict_of_a_redirect_to_the_home_page_is_a_soft_404():
    result = gongkai("extract", str(SEED), "--url", "http://www.sxx.sample.test/zwgk/a.html",
                     "--final-url", "http://www.sxx.sample.test/", "--json")  # fmt: skip
    verdict = json.loads(result.stdout)["verdict"]
    assert verdict == {
        "outcome": "missing",
        "reason": "soft-404: redirected to http://www.sxx.sample.test/",
    }
    assert json.loads(result.stdout)["title"]  # every other key is still there


def test_a_malformed_header_is_one_line_and_exit_2():
    result = gongkai("extract", str(SEED), "--url", "http://a.test/", "--header", "no colon")
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "is not 'Name: value'" in result.stderr
