"""Click's usage errors are one `gongkai: error:` line too (issue 15), not four lines."""

from __future__ import annotations

import pytest

from tests.gongkai_cli import gongkai


@pytest.mark.parametrize(
    "args, words",
    [(["events", "--bogus"], "No such option '--bogus'"),
     (["nosuch"], "No such command 'nosuch'"),
     (["export"], "Missing option '--db'"),
     (["classify", "--near-dups", "7"], "Invalid value for '--near-dups'")],
    ids=["unknown-option", "unknown-command", "missing-option", "bad-value"],
)  # fmt: skip
def test_usage_error_is_one_line_with_exit_2(args, words) -> None:
    result = gongkai(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("gongkai: error: ") and words in result.stderr
    assert "--help" in result.stderr  # says where to look


def test_help_and_version_still_exit_0() -> None:
    assert gongkai("events", "--help").returncode == 0
    assert gongkai("--version").returncode == 0
