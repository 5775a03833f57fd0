"""`reader tags rename/merge/delete` find a tag as search does: typed without accents, or with them (issue 11)."""

from reader.store import Library
from tests.helpers import invoke


def _library(tmp_path, tags):
    library = Library(tmp_path / "l.db")
    from reader.model import Article

    _, article = library.add_article(Article(title="A title", body="Some text here."))
    library.set_article_tags(article.id, tags)
    return library, article.id


def test_a_tag_typed_without_accents_is_found(tmp_path):
    library, article_id = _library(tmp_path, ["Kinh tế", "Xã hội"])
    result = invoke("--db", str(library.path), "tags", "rename", "kinh te", "Kinh doanh")
    assert result.exit_code == 0, result.output
    assert sorted(library.article_tags(article_id)) == ["Kinh doanh", "Xã hội"]
    result = invoke("--db", str(library.path), "tags", "delete", "xa hoi")
    assert result.exit_code == 0, result.output
    assert library.article_tags(article_id) == ["Kinh doanh"]


def test_an_ambiguous_name_is_refused_with_both_spellings(tmp_path):
    library, article_id = _library(tmp_path, ["Kinh tế", "Kinh te"])
    result = invoke("--db", str(library.path), "tags", "delete", "kinh t\u00ea")  # "kinh tê": neither
    assert result.exit_code != 0
    result = invoke("--db", str(library.path), "tags", "merge", "kinh te", "Kinh tế")
    # "kinh te" is the tag "Kinh te" itself (same identity), so it merges into "Kinh tế".
    assert result.exit_code == 0, result.output
    assert library.article_tags(article_id) == ["Kinh tế"]


def test_a_typed_hash_is_how_tags_are_shown_not_part_of_the_name(tmp_path):
    # As in the app's tag editor: `#ngoại giao` is the tag "ngoại giao", not a second one.
    library, article_id = _library(tmp_path, ["ngoại giao"])
    result = invoke("--db", str(library.path), "tag", str(article_id), "#ngoại giao", "# Kinh tế")
    assert result.exit_code == 0, result.output
    assert sorted(library.article_tags(article_id)) == ["Kinh tế", "ngoại giao"]
    blank = invoke("--db", str(library.path), "tag", str(article_id), "#")
    assert blank.exit_code == 1 and "cannot be blank" in blank.output


def test_rename_merge_and_delete_read_a_typed_hash_as_the_tag_shows(tmp_path):
    library, article_id = _library(tmp_path, ["Kinh tế", "Xã hội"])
    assert invoke("--db", str(library.path), "tags", "rename", "#kinh te", "#Kinh doanh").exit_code == 0
    assert invoke("--db", str(library.path), "tags", "merge", "#xa hoi", "#kinh doanh").exit_code == 0
    assert library.article_tags(article_id) == ["Kinh doanh"]
    assert invoke("--db", str(library.path), "tags", "delete", "#Kinh doanh").exit_code == 0
    assert library.article_tags(article_id) == []
