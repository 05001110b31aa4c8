"""WARC evidence copies: a real crawl of the sample sites, then the records read back.

The sample server gzips HTML when asked and sends the Lonsun AJAX fragments chunked, so a
crawl exercises both: the payload stored in the WARC, once its Content-Encoding is undone,
must equal the bytes the server holds for that URL.
"""

from __future__ import annotations

import http.client
import io
import json
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator

from archive.warc_verify import decode_payload
from crawler.samplesites.server import SampleServer, resolve
from crawler.warc import WarcFileWriter, known_payloads
from tests.gongkai_cli import gongkai

ROOT = Path(__file__).resolve().parents[2]
SEED = "http://www.sxx.sample.test/zwgk/public/37/62710901.html"
FRAGMENT = (
    "http://www.sxx.sample.test/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList"
)


@pytest.fixture(scope="module")
def server(sample_crawl):
    return sample_crawl.server


@pytest.fixture(scope="module")
def archive(sample_crawl):
    """Two crawls of every sample site into one archive (the second one makes revisits)."""
    return sample_crawl.db


def record_at(db: Path, warc_file: str, offset: int):
    with (db.parent / warc_file).open("rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        return record, record.raw_stream.read()


def served_bytes(server: SampleServer, url: str) -> bytes:
    parts = urlsplit(url)
    site = server.sites[parts.hostname]
    return site.files[resolve(site, parts.path, dict(parse_qsl(parts.query)))]


def first_capture(db: Path, where: str) -> tuple:
    conn = sqlite3.connect(db)
    row = conn.execute(
        "select url, warc_file, warc_offset from captures where warc_type = 'response' and "
        + where + " order by id limit 1"
    ).fetchone()  # fmt: skip
    conn.close()
    assert row is not None, where
    return row


def test_every_fetched_capture_points_into_a_warc(archive):
    conn = sqlite3.connect(archive)
    fetched, pointed = conn.execute(
        "select count(*), count(warc_record_id) from captures where status is not null"
    ).fetchone()
    assert fetched == pointed and fetched > 200


@pytest.mark.parametrize(
    "where, encoding",
    [
        pytest.param(f"url = '{SEED}'", "gzip", id="gzip-detail-page"),
        pytest.param(f"url like '{FRAGMENT}%'", "gzip", id="chunked-gzip-fragment"),
        pytest.param("url like 'http://rsj.qingxi.sample.test/%.html'", "gzip", id="gbk-page"),
    ],
)
def test_payload_as_received_decodes_to_what_was_served(archive, server, where, encoding):
    url, warc_file, offset = first_capture(archive, where)
    record, raw = record_at(archive, warc_file, offset)
    headers = record.http_headers
    assert headers.get_header("Content-Encoding") == encoding
    # Twisted removed the chunked framing; the stored headers must not claim it.
    assert headers.get_header("Transfer-Encoding") is None
    assert raw != served_bytes(server, url)  # stored still compressed: as received
    assert decode_payload(raw, encoding) == served_bytes(server, url)


def test_fragment_endpoint_really_is_chunked(server, archive):
    url, _, _ = first_capture(archive, f"url like '{FRAGMENT}%'")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", url, headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    response.read()
    assert response.getheader("Transfer-Encoding") == "chunked"


def test_warcio_check_passes(archive):
    files = sorted(str(p) for p in (archive.parent / "warc").glob("*.warc.gz"))
    profiles = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text())["profiles"]
    assert len(files) == 2 * len(profiles)  # one file per profile per crawl
    check = subprocess.run(
        [str(Path(sys.executable).with_name("warcio")), "check", *files],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr


def test_identical_payload_in_a_later_run_is_a_revisit_of_the_archived_record(archive, tmp_path):
    # Later crawls mostly fetch conditionally (304, no payload); a full identical 200 must
    # become a revisit of the record already in the archive, found through the database.
    conn = sqlite3.connect(archive)
    first_id, first_date, warc_file, offset = conn.execute(
        "select warc_record_id, warc_date, warc_file, warc_offset from captures"
        " where url = ? and warc_type = 'response' order by id desc limit 1", [SEED],
    ).fetchone()  # fmt: skip
    _, raw = record_at(archive, warc_file, offset)
    writer = WarcFileWriter(
        tmp_path, "t", {"software": "test"}, relative_to=tmp_path, seen=known_payloads(archive)
    )
    request, response = exchange(SEED, raw)
    pointer = writer.write_exchange(request, response)
    writer.close()
    record, _ = record_at(tmp_path / "x.db", pointer["file"], pointer["offset"])
    assert record.rec_type == "revisit"
    assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") == SEED
    assert record.rec_headers.get_header("WARC-Refers-To-Date") == first_date
    assert record.rec_headers.get_header("WARC-Refers-To") == first_id
    assert "identical-payload-digest" in record.rec_headers.get_header("WARC-Profile")


def test_verify_passes_then_fails_naming_a_corrupted_record(archive, tmp_path):
    clean = gongkai("verify", "--db", str(archive), "--no-manifest")
    assert clean.returncode == 0, clean.stderr
    assert " 0 problem(s)" in clean.stdout
    copy = tmp_path / "gongkai.db"
    shutil.copy(archive, copy)
    shutil.copytree(archive.parent / "warc", tmp_path / "warc")
    shutil.copytree(archive.parent / "files", tmp_path / "files")
    conn = sqlite3.connect(copy)
    record_id, warc_file, offset, length = conn.execute(
        "select warc_record_id, warc_file, warc_offset, warc_length from captures"
        " where url = ? order by id limit 1", [SEED],
    ).fetchone()  # fmt: skip
    conn.close()
    with (tmp_path / warc_file).open("r+b") as handle:
        handle.seek(offset + length // 2)
        byte = handle.read(1)
        handle.seek(offset + length // 2)
        handle.write(bytes([byte[0] ^ 0x01]))
    broken = gongkai("verify", "--db", str(copy), "--no-manifest")
    assert broken.returncode == 1
    assert record_id in broken.stderr and "1 problem(s)" in broken.stdout
    assert "Traceback" not in broken.stderr


def exchange(url: str, body: bytes) -> tuple[Request, Response]:
    request = Request(url, headers={"Accept-Encoding": "gzip"})
    return request, Response(url, body=body, headers={"Content-Type": "text/html"}, request=request)


def test_files_rotate_at_max_size_each_with_warcinfo(tmp_path):
    writer = WarcFileWriter(
        tmp_path, "t", {"software": "test"}, max_size=2000, relative_to=tmp_path
    )
    # Incompressible bodies, so each exchange adds about 1 kB to the file.
    bodies = [random.Random(i).randbytes(900) for i in range(6)]
    pointers = [
        writer.write_exchange(*exchange(f"http://a.test/{i}", b)) for i, b in enumerate(bodies)
    ]
    writer.close()
    assert len(writer.files) >= 3
    for path in writer.files:
        with path.open("rb") as handle:
            types = [r.rec_type for r in ArchiveIterator(handle)]
        assert types[0] == "warcinfo" and types.count("warcinfo") == 1
    last = pointers[-1]
    data = (tmp_path / last["file"]).read_bytes()[last["offset"] : last["offset"] + last["length"]]
    record = next(iter(ArchiveIterator(io.BytesIO(data))))
    assert record.rec_headers.get_header("WARC-Record-ID") == last["record_id"]


def test_same_payload_at_another_url_is_not_a_revisit(tmp_path):
    writer = WarcFileWriter(tmp_path, "t", {"software": "test"}, relative_to=tmp_path)
    first = writer.write_exchange(*exchange("http://a.test/1", b"same"))
    other = writer.write_exchange(*exchange("http://a.test/2", b"same"))
    again = writer.write_exchange(*exchange("http://a.test/1", b"same"))
    changed = writer.write_exchange(*exchange("http://a.test/1", b"changed"))
    writer.close()
    assert [p["type"] for p in (first, other, again, changed)] == [
        "response", "response", "revisit", "response",
    ]  # fmt: skip


def test_a_retried_error_payload_is_never_the_target_of_a_revisit(tmp_path):
    # A 500 that RetryMiddleware retries never becomes a capture: a revisit pointing at its
    # record would point at nothing gongkai verify can find (the hostile corpus's soft-404 at 500).
    writer = WarcFileWriter(tmp_path, "t", {"software": "test"}, relative_to=tmp_path)
    request, response = exchange("http://a.test/1", b"gone")
    first = writer.write_exchange(request, response.replace(status=500))
    retried = writer.write_exchange(request, response.replace(status=500))
    writer.close()
    assert [p["type"] for p in (first, retried)] == ["response", "response"]


def test_a_browser_fetch_is_marked_in_its_record(tmp_path):
    writer = WarcFileWriter(tmp_path, "t", {"software": "test"}, relative_to=tmp_path)
    request, response = exchange("http://a.test/1", b"<html>ok</html>")
    pointer = writer.write_exchange(request, response.replace(flags=["browser"]))
    writer.close()
    data = (tmp_path / pointer["file"]).read_bytes()
    member = data[pointer["offset"] : pointer["offset"] + pointer["length"]]
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    assert record.rec_headers.get_header("WARC-Gongkai-Fetched-Via") == "browser"
