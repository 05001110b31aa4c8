"""Register gongkai's SQL functions on every Datasette connection.

trylast=True runs this after Datasette's own prepare_connection, so our ``escape_fts``
(bigram phrases) replaces the stock one and ``?_search=教育`` works on unsegmented Chinese.
"""

from datasette import hookimpl

from archive.search import register


@hookimpl(trylast=True)
def prepare_connection(conn):
    register(conn)
