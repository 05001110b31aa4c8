"""Pure functions from fetched pages to archive rows: decoding, extraction, normalisation.

Only ``pipeline.stages`` knows about Scrapy; everything else takes strings, bytes and dicts.
"""
