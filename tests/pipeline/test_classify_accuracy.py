"""Classification quality on the labelled sample pages and on real column names.

The floors can only be lowered on purpose: a taxonomy or classifier edit that loses accuracy
fails here. `gongkai classify --evaluate tests/fixtures/labels` prints the same figures.
"""

from pathlib import Path

import pytest
import yaml

from crawler.profile import load_all
from pipeline.classify import match_label
from pipeline.labels import evaluate
from pipeline.taxonomy import load_taxonomy

ROOT = Path(__file__).parents[2]
LABELS = sorted((ROOT / "tests/fixtures/labels").glob("*.yml"))
SITES = ROOT / "crawler/samplesites/sites"
REAL = yaml.safe_load((ROOT / "tests/fixtures/real-columns/anhui-columns.yml").read_text("utf-8"))

OWN_LABEL_FLOOR = 0.95
OVERALL_FLOOR = 0.90
GENRE_FLOOR = 0.95


@pytest.fixture(scope="module")
def evaluation():
    profiles = {p.name: p.as_dict() for p in load_all()}
    return evaluate(LABELS, profiles, SITES, load_taxonomy("anhui"))


def test_at_least_100_labelled_pages(evaluation):
    assert len(evaluation.results) >= 100


def test_accuracy_where_the_page_carries_its_own_label(evaluation):
    own = [r for r in evaluation.results if r.own_label]
    assert len(own) >= 50
    assert evaluation.accuracy(own_label_only=True) >= OWN_LABEL_FLOOR, evaluation.summary()


def test_accuracy_on_all_labelled_pages(evaluation):
    assert evaluation.accuracy() >= OVERALL_FLOOR, evaluation.summary()["mistakes"]


def test_genre_accuracy(evaluation):
    assert evaluation.genre_accuracy() >= GENRE_FLOOR


def test_no_page_is_dropped(evaluation):
    assert all(r.got for r in evaluation.results)


@pytest.mark.parametrize("column", REAL["columns"], ids=[c["name"] for c in REAL["columns"]])
def test_real_column_names(column):
    assert match_label(load_taxonomy("anhui"), column["name"])[0] == column["category"]
