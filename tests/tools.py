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
