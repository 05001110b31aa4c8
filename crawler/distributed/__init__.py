"""One crawl spread over many machines: workers share a frontier in Redis, one writer archives.

``gongkai crawl --redis URL …`` runs a *worker*; ``gongkai writer --redis URL --db PATH`` the
*writer*, the only process that opens the archive and writes its WARC files. Everything they
share lives in Redis under ``gongkai:`` (``REDIS_KEY_PREFIX``):

- **frontier and duplicate filter** (``scheduler``): scrapy-redis' priority queue and request
  fingerprints, one pair per site (profile), so no URL is fetched twice across workers;
- **leases** (``cluster``): a request popped from the frontier moves, in the same Lua script,
  into the site's ``inflight`` hash under a token naming the worker. It leaves only when its
  callback's output has been handled (follow-up requests in the frontier, items shipped).
  Workers beat a heartbeat key; when one stops beating (``kill -9``, a lost machine) any
  process reaps it: its leased requests go back to the frontier, its host leases are freed;
- **politeness** (``hostlease``): before a request goes on the wire its worker takes one of
  the host's ``concurrency`` leases and honours the host's ``delay`` since the last start, both
  counted in Redis for the whole cluster;
- **items** (``outbox``): every item leaves the worker extracted (and its attachment read),
  with its WARC exchange, as one MessagePack message on the ``items`` list; robots.txt and
  redirect hops travel as exchanges of their own;
- **revisits** (``spider``): the writer publishes each site's known URL state (validators,
  schedule, whether the lists linked it) before workers start on it; what this run's list pages
  link and whether they were all read is gathered in Redis, for delisting;
- **the end** (``writer``): a site is finished when its frontier and leases are empty, the
  delisting pass has run and every worker on it has closed; the writer then records its
  listing and crawls row, and when every site is done and no worker is left it runs the
  post-crawl steps, prints the summary line and clears the run's keys.
"""
