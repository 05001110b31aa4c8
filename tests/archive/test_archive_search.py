"""archive.search: bigram index text, query building, and exact substring recall."""

import random
import re
import sqlite3

import pytest

from archive.search import (
    INDEX_TOKEN,
    _normalise,
    _vector_bigrams,
    cjk_bigrams,
    register,
    to_fts_query,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("政务公开", "政务 务公 公开 开"),
        ("教", "教"),
        ("关于2021年教育招生的通知", "关于 于 2021 年教 教育 育招 招生 生的 的通 通知 知"),
        ("教育，招生。", "教育 育 招生 生"),
        ("ＣＯＶＩＤ－１９防控", "COVID 19 防控 控"),  # NFKC folds full-width forms
        ("二〇二一年", "二〇 〇二 二一 一年 年"),
        ("", ""),
        (None, ""),
    ],
    ids=["phrase", "single", "mixed", "punctuation", "fullwidth", "ling", "empty", "none"],
)
def test_cjk_bigrams(text, expected):
    assert cjk_bigrams(text) == expected


def test_long_texts_are_indexed_exactly_as_short_ones():
    """Bodies take the numpy path (issue 14); it must give the regex path's tokens exactly."""
    rng = random.Random(14)
    pool = (
        "政务公开教育招生 2021年ABCabcＡＢＣ，。、（）\n\t  xyz123〇々あいうアイウ가나다ｶﾀｶﾅ𠀀𠀁é_-"
    )
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 600)))
        normal = _normalise(text)
        assert cjk_bigrams(text) == " ".join(INDEX_TOKEN.findall(normal)), text
        assert _vector_bigrams(normal) == " ".join(INDEX_TOKEN.findall(normal)), text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("政务公开", '"政务 务公 公开"'),
        ("教育 招生", '"教育" "招生"'),
        ("教育", '"教育"'),
        ("教", '"教" *'),
        ("2021年", '"2021 年" *'),
        ("年2021", '"年 2021"'),
        ('"教育" OR 招生*', '"教育" "OR" "招生"'),
        ('政务"公开', '"政务 务 公开"'),
        ("NEAR(教育 招生)", '"NEAR 教育" "招生"'),
        ("", '""'),
        ("！？。，", '""'),
        ('"*^:()', '""'),
    ],
    ids=[
        "four-chars",
        "two-terms",
        "two-chars",
        "one-char",
        "year",
        "char-then-number",
        "fts-operators",
        "stray-quote",
        "near",
        "empty",
        "punctuation",
        "fts-syntax",
    ],
)
def test_to_fts_query(query, expected):
    assert to_fts_query(query) == expected


@pytest.fixture
def conn():
    conn = sqlite3.connect(":memory:")
    register(conn)
    conn.execute("create virtual table f using fts5(title, body, tokenize = 'unicode61')")
    return conn


@pytest.mark.parametrize(
    "query", ["", "！？", '"', "'", "*", "AND", "OR NOT", "(", "教育" * 150], ids=str
)
def test_odd_queries_never_raise(conn, query):
    conn.execute("insert into f (title, body) values (?, ?)", ["", cjk_bigrams("教育" * 200)])
    conn.execute("select rowid from f where f match escape_fts(?)", [query]).fetchall()


def test_escape_fts_is_registered(conn):
    assert conn.execute("select escape_fts('政务公开')").fetchone() == ('"政务 务公 公开"',)
    assert conn.execute("select cjk_bigrams('公开')").fetchone() == ("公开 开",)


# Words from county disclosure pages; neighbours form new substrings (社会保障 inside 社会保障局).
VOCABULARY = (
    "政务 公开 政务公开 信息公开 教育 教育局 义务教育 招生 招生工作 学校 学生 资助 评审 专家评审 "
    "社会保障 社会保障局 人力资源 财政 预算 决算 财政预算 三公经费 濉溪县 人民政府 办公室 关于 "
    "印发 通知 实施方案 工作总结 年度 报告 公示 结果 项目 建设 招标 采购 中标 乡镇 农村 扶贫 "
    "脱贫 攻坚 卫生 健康 疫情 防控 安全 生产 检查 监督 管理 规定 办法 意见 的 和 与 对 在 "
    "进一步 加强 做好 开展 2021年 2022年 第3号 一 二 〇 教 育 公 开 局"
).split()
PUNCTUATION = ["", "", "", "，", "。", "、", "：", "；", "（", "）", "\n\n"]


def synthetic_text(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(VOCABULARY) + rng.choice(PUNCTUATION) for _ in range(words))


@pytest.fixture(scope="module")
def corpus():
    rng = random.Random(20240501)
    conn = sqlite3.connect(":memory:")
    register(conn)
    conn.execute("create table documents (id integer primary key, title text, body text)")
    conn.execute(
        "create virtual table documents_fts using fts5(title, body, tokenize = 'unicode61')"
    )
    for doc_id in range(1, 3001):
        title, body = synthetic_text(rng, 6), synthetic_text(rng, rng.randint(5, 60))
        conn.execute("insert into documents values (?, ?, ?)", [doc_id, title, body])
        conn.execute(
            "insert into documents_fts (rowid, title, body) values (?, ?, ?)",
            [doc_id, cjk_bigrams(title), cjk_bigrams(body)],
        )
    return conn


def sample_queries() -> list[str]:
    """Every vocabulary word, CJK substrings of 1-4 chars from fresh text, and term pairs."""
    rng = random.Random(7)
    han = re.compile("[\u4e00-\u9fff〇]+")
    queries = list(dict.fromkeys(VOCABULARY))
    runs = [run for run in han.findall(synthetic_text(rng, 800)) if len(run) >= 4]
    for length in (1, 2, 3, 4):
        for _ in range(60):
            run = rng.choice(runs)
            start = rng.randrange(len(run) - length + 1)
            queries.append(run[start : start + length])
    queries += [f"{rng.choice(queries)} {rng.choice(queries)}" for _ in range(120)]
    return queries + ["教育", "政务公开", "教育 招生", "社会保障", "评审", "育招", "公开的"]


def fts_rows(conn, query):
    sql = "select rowid from documents_fts where documents_fts match escape_fts(?) order by rowid"
    return [row[0] for row in conn.execute(sql, [query])]


def scan_rows(conn, query):
    """The ground truth: rows whose title or body contains every term as a substring."""
    terms = query.split()
    where = " and ".join("(instr(title, ?) > 0 or instr(body, ?) > 0)" for _ in terms)
    params = [t for term in terms for t in (term, term)]
    return [
        row[0]
        for row in conn.execute(f"select id from documents where {where} order by id", params)
    ]


def test_bigram_search_equals_substring_scan(corpus):
    queries = sample_queries()
    assert len(queries) > 400
    mismatches = {q: (len(fts_rows(corpus, q)), len(scan_rows(corpus, q))) for q in queries}
    mismatches = {q: counts for q, counts in mismatches.items() if counts[0] != counts[1]}
    assert mismatches == {}
    # Exact equality, not just counts, for the examples.
    for query in ["教育", "政务公开", "教育 招生", "社会保障局", "第3号", "2021年"]:
        assert fts_rows(corpus, query) == scan_rows(corpus, query), query
        assert fts_rows(corpus, query), query


def test_search_is_not_fooled_by_word_boundaries(corpus):
    """社会保障 inside 社会保障局 and 评审 inside 专家评审: the cases jieba's index missed."""
    for query in ["社会保障", "评审", "障局", "家评"]:
        assert set(scan_rows(corpus, "社会保障局")) <= set(fts_rows(corpus, "社会保障"))
        assert fts_rows(corpus, query) == scan_rows(corpus, query)
