"""Front matter from outside (issue 14, S12): text stays text, dates are whole dates, many tags are fast."""

import pytest

from reader import text
from reader.importers import markdown


def parse(front: str):
    return markdown.parse_text(f"---\n{front}\n---\nBody text.\n", "a.md")


def test_yaml_booleans_and_numbers_stay_as_written():
    article = parse("title: yes\nsource: 1e3\nplace: off\ntags: [no, 0x10]")
    assert (article.title, article.source, article.place) == ("yes", "1e3", "off")
    assert article.tags == ["no", "0x10"]


def test_null_is_still_nothing():
    article = parse("title: A title\ndate: ~\nsource:\ntags: null")
    assert article.date is None and article.source == "" and article.tags == []


@pytest.mark.parametrize("value", ["2025-04-03garbage", "2025-04-03 and more", "20250403x"])
def test_a_date_with_anything_after_it_is_refused(value):
    with pytest.raises(text.InputError, match="'date' must be a date"):
        parse(f"title: x\ndate: {value}")


@pytest.mark.parametrize("value", ["2025-04-03", "2025-04-03T10:30:00Z", "2025-04-03 10:30", "'2025-04-03'"])
def test_dates_and_date_times_are_read(value):
    assert parse(f"title: x\ndate: {value}").date == "2025-04-03"


def test_forty_thousand_tags_are_one_pass_and_one_spelling_each():
    names = [f"tag {n}" for n in range(40_000)]
    front = "title: x\ntags:\n" + "".join(f"  - {name}\n  - {name.upper()}\n" for name in names)
    article = parse(front.rstrip("\n"))
    assert article.tags == names  # "TAG 7" is "tag 7": the first spelling is kept
