"""The sentence index finds, chunk by chunk, the sentences the whole-body splitter finds (S12)."""

from reader import segment
from reader.ui.reading_cursor import ReadingCursor
from reader.ui.sentence_index import SentenceIndex, chunk_bounds

PARAS = [f"Para {p} starts here. Mr. Lâm said so on Jan. 5. " + "It rained. " * (p % 7) for p in range(300)]
BODY = "\n\n".join(PARAS) + "\n\nThe end."


def test_chunks_cut_at_paragraph_breaks_give_the_same_sentences():
    index = SentenceIndex(BODY, size=256)
    assert len(index.bounds) > 20  # many chunks
    assert all(BODY[b - 2 : b] == "\n\n" for b in index.bounds[1:-1])
    assert index.all() == segment.sentence_spans(BODY)


def test_walking_the_index_both_ways_meets_every_sentence():
    index = SentenceIndex(BODY, size=256)
    every = segment.sentence_spans(BODY)
    span, forward = index.first(), []
    while span is not None:
        forward.append(span)
        span = index.next(span)
    assert forward == every
    span, backward = index.last(), []
    while span is not None:
        backward.append(span)
        span = index.previous(span)
    assert backward == every[::-1]
    for offset in (0, 5, len(BODY) // 2, len(BODY) - 1):
        expected = max((s for s in every if s[0] <= offset), default=every[0])
        assert index.at(offset) == expected
    assert index.index_of(every[123]) == 123


def test_a_giant_paragraph_is_cut_after_full_stops():
    body = "Word. " * 5000
    bounds = chunk_bounds(body.strip(), size=1000)
    assert len(bounds) > 5 and all(body[b - 2 : b] == ". " for b in bounds[1:-1])
    assert SentenceIndex(body.strip(), size=1000).all() == segment.sentence_spans(body.strip())


def test_the_cursor_moves_by_paragraph_across_chunks():
    cursor = ReadingCursor(BODY)
    cursor.to_last()
    assert BODY[slice(*cursor.span)] == "The end."
    cursor.previous_paragraph()  # already on the paragraph's first sentence: the one before
    assert BODY[slice(*cursor.span)] == "Para 299 starts here."
    cursor.next_paragraph()
    assert BODY[slice(*cursor.span)] == "The end."
    cursor.move_to(BODY.index("Para 150 starts"))
    cursor.step(-2)
    assert cursor.index == segment.sentence_spans(BODY).index(cursor.span)
