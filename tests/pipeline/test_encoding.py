"""decode_html: BOM, header vs meta, and GB labels decoded as GB18030."""

import codecs

import pytest

from pipeline.encoding import (
    content_type,
    declared_charset,
    decode_html,
    header_charset,
    normalise_charset,
)

GB_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "</head><body>朱镕基 张喆 堃</body></html>"
)


def test_declared_gb2312_with_characters_outside_gb2312_decodes_as_gb18030():
    raw = GB_PAGE.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")  # the page really is not valid GB2312
    decoded = decode_html(raw)
    assert "朱镕基 张喆 堃" in decoded.text
    assert decoded.declared == "gb2312"
    assert decoded.used == "gb18030"


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "cp936", "GB18030"])
def test_every_gb_label_means_gb18030(label):
    assert normalise_charset(label) == "gb18030"


def test_utf8_bom_wins_over_a_wrong_meta():
    raw = codecs.BOM_UTF8 + '<meta charset="gbk"><p>濉溪县</p>'.encode()
    decoded = decode_html(raw)
    assert "濉溪县" in decoded.text and not decoded.text.startswith("\ufeff")
    assert decoded.used == "utf-8-sig"


def test_header_charset_beats_meta_when_it_decodes():
    raw = '<meta charset="utf-8"><p>教育局</p>'.encode("gb18030")
    decoded = decode_html(raw, header_charset="GBK")
    assert "教育局" in decoded.text
    assert decoded.declared == "gbk" and decoded.used == "gb18030"


def test_wrong_header_charset_falls_back_to_the_meta_declaration():
    raw = '<meta charset="gb2312"><p>教育局 镕</p>'.encode("gb18030")
    decoded = decode_html(raw, header_charset="utf-8")
    assert "教育局 镕" in decoded.text and decoded.used == "gb18030"


def test_no_declaration_tries_utf8_then_gb18030():
    assert decode_html("<p>教育</p>".encode()).used == "utf-8"
    assert decode_html("<p>教育</p>".encode("gb18030")).text == "<p>教育</p>"


def test_override_wins_over_everything():
    raw = '<meta charset="utf-8"><p>教育</p>'.encode("gb18030")
    assert decode_html(raw, "utf-8", override="gbk").text.endswith("<p>教育</p>")


def test_undecodable_bytes_are_replaced_not_fatal():
    decoded = decode_html(b'<meta charset="utf-8"><p>\xff\xfe\xfd abc</p>' + "镕".encode("gb18030"))
    assert "abc" in decoded.text


def test_declared_charset_reads_xml_declaration_and_http_equiv():
    assert declared_charset(b'<?xml version="1.0" encoding="GBK"?><html>') == "gbk"
    assert declared_charset(b'<meta content="text/html; charset=UTF-8" http-equiv="c">') == "utf-8"
    assert declared_charset(b"<html><body>no declaration</body></html>") is None


def test_header_charset_reads_content_type_whatever_its_case():
    assert header_charset({"content-TYPE": 'text/html; Charset="GB2312"; x=1'}) == "gb2312"
    assert header_charset({"Content-Type": "text/html"}) is None
    assert header_charset({}) is None and content_type(None) is None
    assert content_type({"CONTENT-type": "application/pdf"}) == "application/pdf"
