"""MessagePack for everything that travels through Redis: requests, items, WARC exchanges.

Not pickle, scrapy-redis' default: whoever can write to Redis could then run code in every
worker and in the writer. MessagePack keeps bytes as bytes (bodies, Scrapy's header keys) and
text as text; tuples come back as lists. The module is scrapy-redis' ``SCHEDULER_SERIALIZER``.
"""

from __future__ import annotations

from typing import Any

import msgpack


def dumps(obj: Any) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


def loads(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False)
