"""Dates as written on the page, normalised to "YYYY-MM-DD" or "YYYY-MM-DD HH:MM".

Government pages give wall-clock time in Asia/Shanghai and never a zone, so no conversion
happens: the value is what the page says, reformatted. Anything that is not a real calendar
date (2021-02-30, a bare year) gives None rather than a guess.
"""

from __future__ import annotations

import datetime as dt
import re

# 2022-02-22, 2022/2/22, 2022.02.22, 2022年2月22日, optionally followed by a time
# (08:23, 08:23:45, 8时23分, 10∶08 with U+2236); gov.cn writes "2018-12-29-11:24:11" in its meta tags.
DATE_PATTERN = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s*|-|T)(?P<H>\d{1,2})\s*[:：∶时]\s*(?P<M>\d{2})(?:\s*[:：∶分]\s*\d{2}\s*秒?)?)?"
)
_COMPACT = re.compile(
    r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<H>\d{2})(?P<M>\d{2}))?"
)


def _format(match: re.Match[str]) -> str | None:
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    if match["H"] is None:
        return day.isoformat()
    hour, minute = int(match["H"]), int(match["M"])
    if hour > 23 or minute > 59:
        return day.isoformat()
    return f"{day.isoformat()} {hour:02d}:{minute:02d}"


def parse_date(text: str | None) -> str | None:
    """Return the first date in ``text`` as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM", else None.

    >>> parse_date("发布时间:2022-02-22 08:23文字大小")
    '2022-02-22 08:23'
    >>> parse_date("2021年3月5日"), parse_date("2021-02-30"), parse_date("无")
    ('2021-03-05', None, None)
    """
    if not text:
        return None
    match = DATE_PATTERN.search(text)
    if match:
        return _format(match)
    compact = _COMPACT.match(text.strip())  # meta tags sometimes say 20220222 or 202202220823
    return _format(compact) if compact else None


def more_precise(current: str | None, candidate: str | None) -> bool:
    """True when ``candidate`` is the same day as ``current`` but also gives the time.

    Lets a later cascade step add the time to a date-only value without overriding a
    different date that an earlier, more authoritative step found.
    """
    return bool(
        current
        and candidate
        and len(current) == 10
        and len(candidate) > 10
        and candidate.startswith(current)
    )
