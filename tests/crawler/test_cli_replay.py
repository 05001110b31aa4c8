"""gongkai replay: one-line errors when there is nothing to replay or no pywb to replay with.

Replay itself was checked by hand with pywb 2.10 (see the README, "Evidence copies"); pywb is not a
project dependency, so the suite does not start it.
"""

from __future__ import annotations

from click.testing import CliRunner

from crawler.cli.replay import replay


def test_no_warc_files_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(replay, ["--db", str(tmp_path / "a.db"), "--no-serve"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("gongkai: error: no WARC files in")
    assert len(result.output.strip().splitlines()) == 1


def test_missing_pywb_says_how_to_install_it(tmp_path):
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "x.warc.gz").write_bytes(b"")
    result = CliRunner().invoke(
        replay, ["--db", str(tmp_path / "a.db"), "--pywb-bin", str(tmp_path), "--no-serve"]
    )
    assert result.exit_code == 2
    assert "pip install pywb" in result.output and "Traceback" not in result.output
