"""The crawler splits cookie domains from the bundled public-suffix list, without any network."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import scrapy.downloadermiddlewares.cookies as cookies
from tldextract import TLDExtract

from crawler.suffixes import use_bundled_suffix_list


def test_cookie_domains_split_without_contacting_publicsuffix_org(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network is off in this test")

    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    # As on a fresh machine: Scrapy's default splitter, with nothing cached yet.
    fresh = TLDExtract(cache_dir=str(tmp_path / "empty-cache"), include_psl_private_domains=True)
    monkeypatch.setattr(cookies, "_split_domain", fresh)
    use_bundled_suffix_list()
    parts = cookies._split_domain("www.suixi.gov.cn")
    assert (parts.domain, parts.suffix) == ("suixi", "gov.cn")
    assert attempts == []
