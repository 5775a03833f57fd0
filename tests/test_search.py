"""Search in the library: folding, what is covered, filters, snippets, the index kept in step, real text, CLI."""

import json
import re
import sqlite3
import unicodedata

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from reader import anchoring
from reader.cli import main
from reader.model import Article
from reader.query import QueryError
from reader.store import SCHEMA, Library
from reader.store.migrations import migrations
from tests.helpers import DATA, nfd

CORPUS = DATA / "binhvq-news-sample"

BASES = {"a": "aăâ", "e": "eê", "i": "i", "o": "oôơ", "u": "uư", "y": "y"}
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def every_vietnamese_letter() -> dict[str, list[str]]:
    """Every Vietnamese letter (NFC, both cases) by the base letter it folds to."""
    table: dict[str, list[str]] = {"d": ["d", "D", "đ", "Đ"]}
    for base, vowels in BASES.items():
        table[base] = []
        for vowel in vowels:
            for tone in TONES:
                letter = unicodedata.normalize("NFC", vowel + tone)
                assert len(letter) == 1, letter  # every Vietnamese letter is one code point in NFC
                table[base] += [letter, letter.upper()]
    return table


def ids(results) -> set[int]:
    return {r.id for r in results}


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "search.db") as lib:
        yield lib


def add(library, title, body="Nothing here.", **fields) -> int:
    status, article = library.add_article(Article(title=title, body=body, **fields))
    assert status == "imported"
    return article.id


# -- folding ---------------------------------------------------------------------------------


def test_folding_table_every_letter_both_cases_nfc_and_nfd(library):
    table = every_vietnamese_letter()
    articles, owner = [], {}
    for base, letters in table.items():
        for letter in letters:
            articles.append(Article(title=f"Chữ {letter}", body=f"Từ khóa z{letter}z ở đây.", date="2024-01-01"))
            owner[letter] = base
    assert library.add_articles_bulk(articles) == len(articles) == 4 + 2 * 6 * 12
    by_title = {r.title: r.id for r in library.list_articles()}
    for base, letters in table.items():
        expected = {by_title[f"Chữ {letter}"] for letter in letters}
        for letter in letters:
            # Typed with its marks a letter finds itself in either case (smart accents); without, all.
            same = {by_title[f"Chữ {other}"] for other in letters if other.lower() == letter.lower()}
            for typed in (f"z{letter}z", nfd(f"z{letter}z"), f"Z{letter.upper()}Z"):
                assert ids(library.search(typed, limit=500, accents="ignore")) == expected, (letter, typed)
                smart = expected if letter in (base, base.upper()) else same
                assert ids(library.search(typed, limit=500)) == smart, (letter, typed)
        results = library.search(f"z{base}z", limit=500)
        for result in results:  # the hit is the accented word, whole
            ((start, end),) = result.snippet_hits
            assert result.snippet[start:end] == f"z{result.title[4:]}z"


@pytest.mark.parametrize("typed", ["Ha Noi", "ha noi", "HÀ NỘI", "Hà Nội", nfd("Hà Nội"), '"ha noi"'])
def test_ha_noi_however_it_is_typed(library, typed):
    wanted = add(library, "Mưa lớn", "Trời mưa to ở Hà Nội suốt đêm.")
    add(library, "Hà Giang", "Trời nắng ở Hải Phòng.")
    results = library.search(typed)
    assert ids(results) == {wanted}
    ((start, end),) = results[0].body_hits
    assert "Trời mưa to ở Hà Nội suốt đêm."[start:end] == "Hà Nội"


def test_da_nang_finds_the_d_with_stroke(library):
    wanted = add(library, "Biển Đà Nẵng", "Du khách đến ĐÀ NẴNG.")
    results = library.search("Da Nang")
    assert ids(results) == {wanted}
    assert [results[0].title[s:e] for s, e in results[0].title_hits] == ["Đà Nẵng"]
    assert [results[0].snippet[s:e] for s, e in results[0].snippet_hits] == ["ĐÀ NẴNG"]


def test_an_nfd_body_maps_its_hits_back_whole(library):
    body = nfd("Người dân Hà Nội vui.")
    library.add_articles_bulk([Article(title="NFD", body=body, date="2024-01-01")])
    (result,) = library.search("ha noi")
    ((start, end),) = result.body_hits
    assert body[start:end] == nfd("Hà Nội")  # the marks come with their letters


def test_a_body_that_does_not_fold_letter_for_letter_still_maps_exactly(library):
    # ß folds to two letters and the lone mark to none: same length, shifted offsets in between.
    body = "Straße x\u0301 ở Hà Nội."
    add(library, "Tên", body)
    (result,) = library.search("ha noi")
    assert [body[s:e] for s, e in result.body_hits] == ["Hà Nội"]


# -- what is covered ---------------------------------------------------------------------------


def test_every_field_is_searched(library):
    by_title = add(library, "Quảng Ninh thu hút đầu tư")
    by_body = add(library, "Other", "Cảng Quảng Ninh mở rộng.")
    by_place = add(library, "Another", place="Quảng Ninh", dateline="QUẢNG NINH")
    by_source = add(library, "Third", source="Báo Quảng Ninh")
    by_tag = add(library, "Fourth", tags=["Quảng Ninh"])
    by_note = add(library, "Fifth")
    library.set_article_note(by_note, "Nhớ đọc lại: Quảng Ninh")
    body = "Một đoạn văn. Câu được tô sáng."
    by_highlight_note = add(library, "Sixth", body)
    library.add_highlight(by_highlight_note, anchoring.make_anchor(body, 14, 30), note="liên quan Quảng Ninh")
    by_highlight_tag = add(library, "Seventh", body)
    library.add_highlight(by_highlight_tag, anchoring.make_anchor(body, 14, 30), tags=["Quảng Ninh"])
    add(library, "Unrelated", "Nothing about it.")
    found = ids(library.search("quang ninh"))
    assert found == {by_title, by_body, by_place, by_source, by_tag, by_note, by_highlight_note, by_highlight_tag}
    note_result = next(r for r in library.search("quang ninh") if r.id == by_note)
    assert note_result.snippet_from == "notes"
    assert [note_result.snippet[s:e] for s, e in note_result.snippet_hits] == ["Quảng Ninh"]


def test_an_orphaned_highlight_quote_is_still_found(library):
    body = "Đoạn đầu. Câu về Vịnh Hạ Long."
    article_id = add(library, "Bài", body, path="/a.txt")
    library.add_highlight(article_id, anchoring.make_anchor(body, 10, len(body)))
    library.add_article(Article(title="Bài", body="Đoạn đầu đã viết lại hoàn toàn.", path="/a.txt"))
    assert library.highlights(article_id)[0].orphan
    assert ids(library.search("vinh ha long")) == {article_id}


# -- filters and ranking ----------------------------------------------------------------------


@pytest.fixture
def filtered(library):
    a = add(
        library,
        "Du lịch Hà Nội",
        "Khách du lịch tăng.",
        place="Hà Nội",
        source="VNA/VNS",
        date="2023-05-01",
        tags=["Kinh tế"],
    )
    b = add(library, "Du lịch Đà Nẵng", "Khách du lịch tăng.", place="Đà Nẵng", source="VNS", date="2024-02-10")
    c = add(library, "Du lịch Huế", "Khách du lịch giảm.", place="Thừa Thiên-Huế", source="Tuổi Trẻ", date="")
    return library, a, b, c


def test_filters(filtered):
    library, a, b, c = filtered
    assert ids(library.search("du lich")) == {a, b, c}
    assert ids(library.search('du lich place:"Hà Nội"')) == {a}
    assert ids(library.search("du lich place:ha-noi")) == {a}
    assert ids(library.search("source:VNS")) == {a, b}
    assert ids(library.search("source:tuoi-tre")) == {c}
    assert ids(library.search("tag:kinh-te")) == {a}
    assert ids(library.search('tag:"KINH TẾ" du lich')) == {a}
    assert ids(library.search("du lich -tag:kinh-te")) == {b, c}
    assert ids(library.search("du lich after:2023-05-01")) == {b}
    assert ids(library.search("du lich after:2023")) == {b}
    assert ids(library.search("du lich before:2024")) == {a}  # no date: neither before nor after
    assert ids(library.search("after:2023-01 before:2024-12")) == {a, b}
    assert ids(library.search("du lich -giam")) == {a, b}
    assert ids(library.search("-giam")) == {a, b}
    assert ids(library.search("title:hue")) == {c}
    assert ids(library.search("tag:nothing")) == set()


def test_a_title_hit_ranks_above_a_body_hit(library):
    in_body = add(library, "Tin tức", "Bài viết có nhắc tới Cần Thơ một lần, giữa rất nhiều chữ khác nữa.")
    in_title = add(library, "Cần Thơ đón khách", "Bài viết về du lịch, giữa rất nhiều chữ khác nữa.")
    assert [r.id for r in library.search("can tho")] == [in_title, in_body]


def test_results_carry_list_fields(filtered):
    library, a, b, c = filtered
    library.set_reading_state(a, read=True)
    result = next(r for r in library.search("du lich") if r.id == a)
    assert (result.title, result.place, result.source, result.date) == (
        "Du lịch Hà Nội",
        "Hà Nội",
        "VNA/VNS",
        "2023-05-01",
    )
    assert result.read and result.tags == ("Kinh tế",)


def test_limit(filtered):
    library, *_ = filtered
    assert len(library.search("du lich", limit=2)) == 2


@pytest.mark.parametrize("typed", ['"unbalanced', "-", "*", '"', "😀", "", "tag:", "before:soon"])
def test_bad_queries_raise_query_error(library, typed):
    with pytest.raises(QueryError):
        library.search(typed)


def test_fts_syntax_in_a_query_is_searched_as_words(library):
    wanted = add(library, "Logic", "AND OR NOT are words too (really).")
    assert ids(library.search("AND OR NOT (")) == {wanted}
    assert library.search("NEAR(a b) col:x {title}") == []


# -- the index in step --------------------------------------------------------------------------


def test_reimport_replaces_the_indexed_text(library):
    first = add(library, "Bản tin", "Lũ lụt ở Quảng Bình.", path="/news/1.txt")
    status, updated = library.add_article(Article(title="Bản tin", body="Hạn hán ở Ninh Thuận.", path="/news/1.txt"))
    assert status == "updated" and updated.id == first
    assert library.search("quang binh") == []
    assert ids(library.search("ninh thuan")) == {first}
    assert library.conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 1


def test_tag_changes_are_searchable_at_once(library):
    article_id = add(library, "Bài", "Văn bản.")
    library.set_article_tags(article_id, ["Giáo dục"])
    assert ids(library.search("giao duc")) == {article_id}
    library.set_article_tags(article_id, ["Y tế"])
    assert library.search("giao duc") == [] and ids(library.search("tag:y-te")) == {article_id}
    library.add_article_tags(article_id, ["Môi trường"])
    assert ids(library.search("moi truong")) == {article_id}
    library.rename_tag("Môi trường", "Khí hậu")
    assert library.search("moi truong") == [] and ids(library.search("khi hau")) == {article_id}
    library.rename_tag("Khí hậu", "Y tế")  # a merge
    assert library.search("khi hau") == []
    library.delete_tag("Y tế")
    assert library.search("y te") == []


def test_note_and_highlight_changes_are_searchable_at_once(library):
    body = "Câu thứ nhất. Câu thứ hai."
    article_id = add(library, "Bài", body)
    library.set_article_note(article_id, "Cần kiểm chứng số liệu")
    assert ids(library.search("kiem chung")) == {article_id}
    library.set_article_note(article_id, "")
    assert library.search("kiem chung") == []
    highlight = library.add_highlight(article_id, anchoring.make_anchor(body, 0, 13), note="ý chính")
    assert ids(library.search('"y chinh"')) == {article_id}
    library.set_highlight_note(highlight.id, "đã xác minh")
    assert library.search('"y chinh"') == [] and ids(library.search("xac minh")) == {article_id}
    library.set_highlight_tags(highlight.id, ["Quan trọng"])
    assert ids(library.search("quan trong")) == {article_id}
    deleted = library.delete_highlight(highlight.id)
    assert library.search("xac minh") == [] and library.search("quan trong") == []
    library.restore_highlight(deleted)
    assert ids(library.search("xac minh")) == {article_id}


def test_deleting_an_article_removes_it_from_the_index(library):
    article_id = add(library, "Sắp xóa", "Nội dung riêng biệt.")
    library.delete_article(article_id)
    assert library.search("rieng biet") == []
    assert library.conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 0


def test_bulk_import_indexes_after_inserting(library):
    add(library, "Đã có", "Bài cũ về Cà Mau.")
    articles = [Article(title=f"Bài {i}", body=f"Tin số {i} về Cà Mau.", date="2024-01-01") for i in range(50)]
    assert library.add_articles_bulk(articles + articles[:5]) == 50  # duplicates ignored
    assert len(library.search("ca mau", limit=100)) == 51
    assert library.conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 51
    assert library.rebuild_search_index() == 51
    assert len(library.search("ca mau", limit=100)) == 51


def test_migrating_a_library_builds_the_index_and_sort_keys(tmp_path):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m002_search")
    db.execute(
        """INSERT INTO articles (content_hash, title, body, date, place, note, imported_at, updated_at)
           VALUES ('h1', 'Ăn tết ở Huế', 'Người dân Thừa Thiên-Huế đón năm mới.', '2024-02-10', 'Huế',
                   'ghi chú riêng', 'x', 'x'),
                  ('h2', 'An toàn giao thông', 'Đà Nẵng ra quân.', '2024-02-11', 'Đà Nẵng', '', 'x', 'x')"""
    )
    db.execute("INSERT INTO tags (name, key) VALUES ('Lễ hội', 'lễ hội')")
    db.execute("INSERT INTO article_tags (article_id, tag_id) VALUES (1, 1)")
    db.conn.commit()
    db.conn.close()
    with Library(path) as library:
        assert library.schema_version() == SCHEMA[-1]  # every later migration applied too
        assert ids(library.search("thua thien hue")) == {1}
        assert ids(library.search("Thừa Thiên")) == {1}  # the accent-kept index is built too
        assert ids(library.search("Thưa")) == set()
        assert ids(library.search("le hoi")) == {1}
        assert ids(library.search("ghi chu rieng")) == {1}
        assert ids(library.search("da nang")) == {2}
        assert [s.title for s in library.list_articles(sort="title")] == ["An toàn giao thông", "Ăn tết ở Huế"]
        assert [s.place for s in library.list_articles(sort="place")] == ["Đà Nẵng", "Huế"]


# -- real text ------------------------------------------------------------------------------------


def corpus_articles() -> list[Article]:
    """demo-full.txt split into its articles: each begins at its title line (demo-title-head.txt)."""
    lines = (CORPUS / "demo-full.txt").read_text(encoding="utf-8").split("\n")
    titles = [t for t in (CORPUS / "demo-title-head.txt").read_text(encoding="utf-8").split("\n") if t]
    articles: list[list[str]] = []
    next_title = 0
    for line in lines:
        if next_title < len(titles) and line == titles[next_title]:
            articles.append([line])
            next_title += 1
        elif articles and line.strip():
            articles[-1].append(line)
    assert next_title == len(titles) == 44
    return [
        Article(title=a[0], body="\n\n".join(a[1:]) or a[0], date="2018-01-01", path=f"/binhvq/{i}.txt")
        for i, a in enumerate(articles)
    ]


def reference_fold(s: str) -> str:
    """Folding written out again, independently of reader.text: NFD, no marks, đ → d, lower case."""
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D").lower()


def reference_count(articles: list[Article], words: list[list[str]]) -> int:
    """How many articles hold every word (or phrase: tokens in a row) of the query."""
    count = 0
    for article in articles:
        tokens = re.findall(r"[^\W_]+", reference_fold(article.title + "\n" + article.body))
        joined = " " + " ".join(tokens) + " "
        if all(f" {' '.join(phrase)} " in joined for phrase in words):
            count += 1
    return count


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    library = Library(tmp_path_factory.mktemp("corpus") / "corpus.db")
    articles = corpus_articles()
    library.add_articles_bulk(articles)
    yield library, articles
    library.close()


@pytest.mark.parametrize(
    "query, words",
    [
        ("ha noi", [["ha"], ["noi"]]),
        ('"ha noi"', [["ha", "noi"]]),
        ("TP.HCM", [["tp", "hcm"]]),
        ('"cong an"', [["cong", "an"]]),
        ("nguoi dan", [["nguoi"], ["dan"]]),
        ('"giao thong"', [["giao", "thong"]]),
        ("vi pham", [["vi"], ["pham"]]),
        ('"nop phat"', [["nop", "phat"]]),
        ("da nang", [["da"], ["nang"]]),
        ('"xe may"', [["xe", "may"]]),
        ('"o to"', [["o", "to"]]),
        ("duong", [["duong"]]),
        ('"chu tich"', [["chu", "tich"]]),
        ('"viet nam"', [["viet", "nam"]]),
    ],
)
def test_counts_on_real_vietnamese_news_match_a_python_reference(corpus, query, words):
    library, articles = corpus
    expected = reference_count(articles, words)
    assert len(library.search(query, limit=1000)) == expected
    assert 0 < expected < len(articles)  # a query that tells articles apart


def test_real_text_hits_are_the_accented_words(corpus):
    library, articles = corpus
    bodies = {a.title: a.body for a in articles}
    results = library.search('"giao thong"', limit=1000)
    assert results
    for result in results:
        body = bodies[result.title]
        for start, end in result.body_hits:
            assert reference_fold(body[start:end]) == "giao thong", body[start:end]
        for start, end in result.snippet_hits:
            assert reference_fold(result.snippet[start:end]) == "giao thong"


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.db"
    with Library(path) as library:
        library.add_article(
            Article(
                title="Mưa ở Hà Nội",
                body="Hà Nội mưa lớn. Đường ngập.",
                date="2024-06-01",
                place="Hà Nội",
                source="VNS",
            )
        )
        library.add_article(
            Article(title="Nắng ở Đà Nẵng", body="Đà Nẵng oi bức.", date="2024-06-02", place="Đà Nẵng", source="VNA")
        )
    return str(path)


def test_cli_search_marks_hits(db):
    result = CliRunner().invoke(main, ["--db", db, "search", "ha", "noi"])
    assert result.exit_code == 0, result.output
    assert "Mưa ở «Hà Nội»" in result.output
    assert "«Hà Nội» mưa lớn." in result.output
    assert "Đà Nẵng" not in result.output
    assert result.output.rstrip().endswith("1 article")


def test_cli_search_json(db):
    result = CliRunner().invoke(main, ["--db", db, "search", "--json", "Da Nang"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["title"] for r in rows] == ["Nắng ở Đà Nẵng"]
    start, end = rows[0]["snippet_hits"][0]
    assert rows[0]["snippet"][start:end] == "Đà Nẵng"
    assert rows[0]["body_hits"] == [[0, 7]]


def test_cli_search_limit_exclusion_and_nothing_found(db):
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db, "search", "--limit", "1", "o"])
    assert result.exit_code == 0 and "1 article (there may be more" in result.output
    for excluded in (["-ha"], ["--", "-ha"], ["-ha", "-noi"], ["-hanoi", "o"]):
        result = runner.invoke(main, ["--db", db, "search", *excluded])
        assert result.exit_code == 0, result.output
        assert "Đà Nẵng" in result.output and ("Mưa" not in result.output) == (excluded != ["-hanoi", "o"])
    result = runner.invoke(main, ["--db", db, "search", "Huế"])
    assert result.exit_code == 0 and "No article matches “Huế”." in result.output


@pytest.mark.parametrize("typed", ['"ha noi', "*", "tag:", "after:someday"])
def test_cli_search_bad_query_is_a_message_not_a_traceback(db, typed):
    result = CliRunner().invoke(main, ["--db", db, "search", typed])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
