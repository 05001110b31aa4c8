"""The platform data (``platforms.yml``) and the URL patterns a profile crawls with."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_MAX_PAGES = 200
PLATFORMS_FILE = Path(__file__).with_name("platforms.yml")


@cache
def platform_specs() -> dict[str, dict[str, Any]]:
    """``platforms.yml``: every platform's patterns, start URL shape and settings."""
    return yaml.safe_load(PLATFORMS_FILE.read_text(encoding="utf-8"))


def platform_spec(name: str) -> dict[str, Any]:
    specs = platform_specs()
    return specs.get(name) or specs["generic"]


@cache
def _compiled(pattern_list: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in pattern_list)


def patterns(profile: Mapping) -> dict[str, tuple[re.Pattern, ...]]:
    """Compiled detail/list/fragment patterns: the profile's own, else the platform's."""
    spec = platform_spec(profile.get("platform", "generic"))
    return {
        "detail": _compiled(tuple(profile.get("detail_url_patterns") or spec["detail"])),
        "list": _compiled(tuple(profile.get("list_url_patterns") or spec["list"])),
        "fragment": _compiled(tuple(spec["fragment"])),
    }


def is_detail(url: str, profile: Mapping) -> bool:
    return any(p.search(url) for p in patterns(profile)["detail"])


def page_kind(url: str, profile: Mapping) -> str:
    """'fragment', 'detail', 'list' or 'other' for a URL under this profile."""
    pats = patterns(profile)
    for kind in ("fragment", "detail", "list"):
        if any(p.search(url) for p in pats[kind]):
            return kind
    return "other"


def max_pages(profile: Mapping) -> int:
    return int((profile.get("pagination") or {}).get("max_pages") or DEFAULT_MAX_PAGES)
