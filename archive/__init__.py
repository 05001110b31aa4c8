"""The gongkai archive: a SQLite database written through sqlite-utils.

``archive.db.open_archive`` opens (and migrates) a database, ``archive.store.ArchiveWriter``
writes crawl results in batches, ``archive.search`` makes Chinese text searchable with
stock SQLite FTS5. Nothing here imports Scrapy or the crawler.
"""
