"""Vietnamese alphabetical order: the sort key, the stored key columns, keyset paging and `list --sort`."""

import random
import unicodedata

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.model import Article
from reader.store import Library, place_key
from reader.ui.list_source import ArticleWindow
from reader.vietnamese import vi_sort_key

# The Vietnamese alphabet (with f j w z where ICU's `vi` puts them).
ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # ngang huyền hỏi ngã sắc nặng


def ordered(words):
    return sorted(words, key=vi_sort_key)


def shuffled(words, seed=1):
    words = list(words)
    random.Random(seed).shuffle(words)
    return words


def test_tones_follow_icu_vi():
    assert ordered(shuffled(["Hạ", "Há", "Hã", "Hả", "Hà", "Ha"])) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]


def test_letters_follow_the_vietnamese_alphabet():
    assert ordered(shuffled(ALPHABET)) == ALPHABET
    assert ordered(shuffled([c.upper() for c in ALPHABET])) == [c.upper() for c in ALPHABET]


@pytest.mark.parametrize("pair", [("a", "ă"), ("ă", "â"), ("d", "đ"), ("o", "ô"), ("ô", "ơ"), ("u", "ư"), ("e", "ê")])
def test_letter_pairs(pair):
    low, high = pair
    assert vi_sort_key(low) < vi_sort_key(high)
    assert vi_sort_key(low.upper()) < vi_sort_key(high.upper())
    # The letter decides before the tone: ạ (a with a dot) comes before ă (another letter).
    assert vi_sort_key(unicodedata.normalize("NFC", low + "\u0323")) < vi_sort_key(high)


def test_every_vowel_with_every_tone_in_order():
    for vowel in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]:
        words = [unicodedata.normalize("NFC", "t" + vowel + tone) for tone in TONES]
        assert ordered(shuffled(words)) == words, words


def test_the_letter_decides_before_the_tone_and_the_tone_before_later_letters():
    # ICU compares base letters over the whole string first, tones only to break a tie.
    assert ordered(["Hà Nội", "Hải Phòng", "Hà Giang", "Hà", "Ha", "Hai"]) == [
        "Ha",
        "Hà",
        "Hà Giang",
        "Hà Nội",
        "Hai",
        "Hải Phòng",
    ]
    assert ordered(["Đà Nẵng", "Da", "Dz", "Ea"]) == ["Da", "Dz", "Đà Nẵng", "Ea"]


def test_case_comes_last_lower_first():
    assert ordered(["HA", "Ha", "ha"]) == ["ha", "Ha", "HA"]
    assert vi_sort_key("ha") < vi_sort_key("Hà")  # tone outweighs case


def test_nfc_and_nfd_sort_alike():
    for word in ["Thừa Thiên-Huế", "Đắk Lắk", "Phạm Minh Chính", "Nguyễn"]:
        assert vi_sort_key(word) == vi_sort_key(unicodedata.normalize("NFD", word))


def test_spaces_punctuation_digits_letters():
    assert ordered(["b", "1", "a b", "ab", "-a", ""]) == ["", "-a", "1", "a b", "ab", "b"]
    assert vi_sort_key("a  b") == vi_sort_key("a b")


def test_place_key_groups_places_newest_first_and_puts_no_place_last():
    keys = {
        ("Hà Nội", "2024-01-01"): place_key("Hà Nội", "2024-01-01"),
        ("Hà Nội", "2025-06-30"): place_key("Hà Nội", "2025-06-30"),
        ("Hải Phòng", "2020-01-01"): place_key("Hải Phòng", "2020-01-01"),
        ("", "2025-01-01"): place_key("", "2025-01-01"),
        ("Hà Nội", None): place_key("Hà Nội", None),
    }
    assert sorted(keys, key=keys.get) == [
        ("Hà Nội", "2025-06-30"),
        ("Hà Nội", "2024-01-01"),
        ("Hà Nội", None),
        ("Hải Phòng", "2020-01-01"),
        ("", "2025-01-01"),
    ]


# -- in the library --------------------------------------------------------------------------

TITLES = [
    "Hạ Long",
    "Hà Nội",
    "Ha Giang",
    "Hà Giang",
    "Đà Nẵng",
    "Da Lat",
    "Ăn tết",
    "An Giang",
    "Ân nhân",
    "Ơn nghĩa",
    "Ông già",
    "Ong mật",
    "Ưu tiên",
    "Uống trà",
    "zebra",
    "Bến Tre",
    "Cà Mau",
]
PLACES = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "", "An Giang"]


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "sort.db") as lib:
        articles = [
            Article(title=title, body=f"Body {i}.", date=f"2024-01-{i + 1:02d}", place=PLACES[i % len(PLACES)])
            for i, title in enumerate(TITLES)
        ]
        lib.add_articles_bulk(articles[:10])
        for article in articles[10:]:
            lib.add_article(article)
        yield lib


def test_titles_in_vietnamese_order(library):
    assert [s.title for s in library.list_articles(sort="title")] == ordered(TITLES)


def test_places_grouped_in_order_newest_first(library):
    rows = list(library.list_articles(sort="place"))
    assert [(r.place, r.date) for r in rows] == sorted(((r.place, r.date) for r in rows), key=lambda pd: place_key(*pd))
    places = list(dict.fromkeys(r.place for r in rows))
    assert places == ["An Giang", "Cần Thơ", "Đà Nẵng", "Hà Nội", "Hải Phòng", ""]


@pytest.mark.parametrize("sort", ["date", "title", "place"])
def test_keyset_window_pages_every_sort(library, sort):
    expected = [s.id for s in library.list_articles(sort=sort)]
    window = ArticleWindow(library, page_size=3, sort=sort)
    assert [window.get(i).id for i in range(len(window))] == expected
    # Backwards and by jumps too, with a cold cache each time.
    for index in (len(window) - 1, 7, 4, 0):
        cold = ArticleWindow(library, page_size=3, max_pages=2, sort=sort)
        assert cold.get(index).id == expected[index]
        assert cold.get(index - 3).id == expected[index - 3] if index >= 3 else True
    backwards = ArticleWindow(library, page_size=3, sort=sort)
    assert [backwards.get(i).id for i in reversed(range(len(backwards)))] == expected[::-1]


def test_keys_follow_a_reimport(library):
    status, first = library.add_article(Article(title="Zulu", body="Text one.", path="/x.txt", date="2024-03-01"))
    assert [s.title for s in library.list_articles(sort="title")][-1] == "Zulu"
    status, second = library.add_article(Article(title="Ăn sáng", body="Text two.", path="/x.txt", date="2024-03-01"))
    assert status == "updated" and second.id == first.id
    titles = [s.title for s in library.list_articles(sort="title")]
    assert "Zulu" not in titles
    assert titles.index("Ăn sáng") == titles.index("Ăn tết") - 1


def test_unknown_sort_is_refused(library):
    from reader.store import LibraryError

    with pytest.raises(LibraryError, match="unknown sort order"):
        library.page_articles(sort="colour")


def test_cli_list_sort(tmp_path, library):
    runner = CliRunner()
    db = str(library.path)
    result = runner.invoke(main, ["--db", db, "list", "--sort", "title", "--json"])
    assert result.exit_code == 0, result.output
    import json

    assert [r["title"] for r in json.loads(result.output)] == ordered(TITLES)
    result = runner.invoke(main, ["--db", db, "list", "--sort", "place"])
    assert result.exit_code == 0
    assert result.output.index("An Giang") < result.output.index("Cần Thơ") < result.output.index("Hải Phòng")
    result = runner.invoke(main, ["--db", db, "list", "--sort", "colour"])
    assert result.exit_code == 2 and "colour" in result.output
