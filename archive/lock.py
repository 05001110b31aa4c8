"""One writer per archive at a time: an advisory lock beside the database file.

Taken by every command that writes the archive (crawl, demo, classify).

``flock`` is released by the kernel when the process dies, so a ``kill -9``'d crawl never
leaves a stale lock behind for the next cron run.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.db import ArchiveError


class LockedError(RuntimeError):
    """Another crawl holds the lock on this archive."""


@contextmanager
def archive_lock(db_path: Path) -> Iterator[Path]:
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ArchiveError(f"cannot lock archive {db_path}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
            raise LockedError(
                f"{db_path} is being crawled by pid {holder}; try again later"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield lock_path
    finally:
        os.close(fd)
