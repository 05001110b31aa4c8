"""Tests that need a program from a Debian package (Chromium, catdoc, antiword, redis-server…).

Such a test calls ``require_tool`` first. On a fresh machine without the program it is
skipped with one line naming the package to install; with ``GONGKAI_REQUIRE_TOOLS=1`` (set by
``.ci/run``, which installs the packages) it fails instead, so CI never passes by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_TOOLS = "GONGKAI_REQUIRE_TOOLS"


def require_tool(*names: str, package: str) -> str:
    """The path of the first of ``names`` on PATH; else skip (or fail under CI) naming ``package``.

    >>> chromium = require_tool("chromium", "chromium-browser", package="chromium")
    """
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    reason = f"needs {' or '.join(names)}: apt-get install {package}"
    if os.environ.get(REQUIRE_TOOLS) == "1":
        pytest.fail(f"{reason} ({REQUIRE_TOOLS}=1)", pytrace=False)
    pytest.skip(reason)


def chromium_installed() -> bool:
    """Whether a crawl on this machine can pass JavaScript challenges (crawler.render)."""
    from crawler.render import find_chromium

    return find_chromium() is not None


# `gongkai crawl --samples` and `gongkai demo` exit 1 without Chromium: the sample bureau behind
# a JavaScript challenge (fgw.lanshan.sample.test) stays blocked, "needs a browser".
SAMPLES_EXIT = 0 if chromium_installed() else 1


def reachable(manifest: dict, profile: str) -> bool:
    """Whether a crawl here can archive a sample profile's documents: not behind a challenge,
    or Chromium is installed to pass it."""
    host = manifest["profiles"][profile]["host"]
    return not manifest["hosts"][host].get("challenge") or chromium_installed()
