"""Anchor highlights to article text and find them again after the text changes (W3C Web Annotation style)."""

from __future__ import annotations

import time
import unicodedata

import regex

from reader.model import Anchor
from reader.segment import grapheme_end, grapheme_start, is_grapheme_boundary, word_at

CONTEXT = 32  # characters of prefix and suffix kept with every quote
SHORT_QUOTE = 12  # shorter quotes ("Nam") are too common to move on weak evidence
MIN_SIMILARITY = 0.8  # 1 - edit distance / length, for a fuzzy match to count

_MAX_OCCURRENCES = 2000  # exact hits scored per anchor, nearest to the old position first
_MAX_HITS = 8  # hits per search key used to place fuzzy search windows
_MAX_WINDOWS = 40
_FUZZY_BUDGET = 0.1  # seconds of fuzzy search per anchor; a miss is an orphan, not a hang
_WORD_CHAR = regex.compile(r"[\p{L}\p{M}\p{N}]")
_NONSPACE = regex.compile(r"\S")
_LAST_NONSPACE = regex.compile(r"(?r)\S")


def _nfc(s: str) -> str:
    return s if unicodedata.is_normalized("NFC", s) else unicodedata.normalize("NFC", s)


def _clamp(i: int, n: int) -> int:
    return max(0, min(i, n))


def _prefix(body: str, start: int) -> str:
    # Whole graphemes only, so the context survives normalisation unchanged.
    return body[grapheme_end(body, max(0, start - CONTEXT)) : start]


def _suffix(body: str, end: int) -> str:
    return body[end : grapheme_start(body, min(len(body), end + CONTEXT))]


def make_anchor(body: str, start: int, end: int) -> Anchor:
    """Anchor body[start:end] (offsets into the stored NFC body), widened to whole graphemes, with context."""
    n = len(body)
    start, end = sorted((_clamp(start, n), _clamp(end, n)))
    start, end = grapheme_start(body, start), grapheme_end(body, end)
    return Anchor(start, end, body[start:end], _prefix(body, start), _suffix(body, end))


def reanchor(body: str, anchor: Anchor) -> Anchor | None:
    """Where the anchor sits in a (possibly edited) body, as offsets into its NFC form; None = orphan."""
    return _reanchor(_nfc(body), anchor)


def reanchor_all(body: str, anchors: list[Anchor]) -> list[Anchor | None]:
    """reanchor() for many anchors of one article, normalising the body once."""
    body = _nfc(body)
    return [_reanchor(body, a) for a in anchors]


# --- helpers ---------------------------------------------------------------------------------


def _common_prefix_len(a: str, b: str) -> int:
    # Binary search over slice comparisons: a handful of C-speed compares instead of a Python loop.
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix_len(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _context(body: str, s: int, e: int, prefix: str, suffix: str) -> tuple[int, int]:
    """How many characters of the stored prefix and suffix agree with the body around [s, e)."""
    before = body[max(0, s - len(prefix)) : s]
    after = body[e : e + len(suffix)]
    return _common_suffix_len(prefix, before), _common_prefix_len(suffix, after)


def _aligned(body: str, s: int, e: int) -> bool:
    return is_grapheme_boundary(body, s) and is_grapheme_boundary(body, e)


def _occurrences(body: str, needle: str, center: int, limit: int) -> list[int]:
    """Start offsets of needle in body (overlaps included), nearest to center first, at most limit."""
    if not needle:
        return []
    n = len(needle)
    center = _clamp(center, len(body))
    out = []
    fwd = body.find(needle, center)
    bwd = body.rfind(needle, 0, center + n - 1)
    while (fwd >= 0 or bwd >= 0) and len(out) < limit:
        if bwd < 0 or (fwd >= 0 and fwd - center <= center - bwd):
            out.append(fwd)
            fwd = body.find(needle, fwd + 1)
        else:
            out.append(bwd)
            bwd = body.rfind(needle, 0, bwd + n - 1) if bwd > 0 else -1
    return out


def _myers(pattern: str, text: str, anchored: bool) -> list[int]:
    """Edit distance of pattern against text[:j+1] for each j (anchored) or the best text[i:j+1] (not).

    Myers' bit-vector algorithm (1999, in Hyyrö's formulation): one column of the edit-distance
    table per text character, held as a bit mask over the pattern, so long quotes stay cheap.
    """
    m = len(pattern)
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    high = 1 << (m - 1)
    top = 1 if anchored else 0  # anchored: skipping text before the match costs one per character
    pv, mv, score = full, 0, m
    scores = []
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | top) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        scores.append(score)
    return scores


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between a and b."""
    if not a or not b:
        return len(a) + len(b)
    return _myers(a, b, anchored=True)[-1]


def _similarity(quote: str, text: str) -> float:
    return 1 - _edit_distance(quote, text) / max(len(quote), len(text), 1)


def _best_in_window(quote: str, body: str, lo: int, hi: int, expected: int, k: int):
    """The span in body[lo:hi] closest to quote in edit distance (at most k), or None."""
    if hi <= lo:
        return None
    scores = _myers(quote, body[lo:hi], anchored=False)
    d = min(scores)
    if d > k:
        return None
    j = min((j for j, sc in enumerate(scores) if sc == d), key=lambda j: abs(lo + j + 1 - expected - len(quote)))
    e = lo + j + 1
    # Walk back from the chosen end: anchored at e, the same distance fixes where the match starts.
    back = _myers(quote[::-1], body[lo:e][::-1], anchored=True)
    t = min((t for t, sc in enumerate(back) if sc == d), key=lambda t: abs(t + 1 - len(quote)))
    return e - 1 - t, e


def _starts_word(prefix: str, quote: str) -> bool:
    return not prefix or not _WORD_CHAR.match(prefix[-1]) or not _WORD_CHAR.match(quote[0])


def _ends_word(quote: str, suffix: str) -> bool:
    return not suffix or not _WORD_CHAR.match(suffix[0]) or not _WORD_CHAR.match(quote[-1])


def _snap_to_words(body: str, s: int, e: int, quote: str, prefix: str, suffix: str) -> tuple[int, int]:
    """Widen [s, e) to whole words where the original quote began or ended on a word edge."""
    if _starts_word(prefix, quote):
        w = word_at(body, s)
        if w and w[0] < s:
            s = w[0]
    if _ends_word(quote, suffix) and e > s:
        w = word_at(body, e)
        if w and w[0] < e:
            e = w[1]
    return s, e


# --- the steps -------------------------------------------------------------------------------


def _reanchor(body: str, anchor: Anchor) -> Anchor | None:
    quote, prefix, suffix = _nfc(anchor.quote), _nfc(anchor.prefix), _nfc(anchor.suffix)
    old = _clamp(anchor.start, len(body))
    if not quote:
        return _reanchor_empty(body, old, prefix, suffix)
    return (
        _by_position(body, old, quote, prefix, suffix)
        or _by_exact_quote(body, old, quote, prefix, suffix)
        or _by_fuzzy_quote(body, old, quote, prefix, suffix)
    )


def _reanchor_empty(body: str, old: int, prefix: str, suffix: str) -> Anchor | None:
    """A caret rather than a passage: only its context can place it."""
    if not prefix and not suffix:
        return make_anchor(body, old, old)
    for hit in _occurrences(body, prefix + suffix, old - len(prefix), _MAX_OCCURRENCES):
        at = hit + len(prefix)
        if is_grapheme_boundary(body, at):
            return make_anchor(body, at, at)
    return None


def _by_position(body: str, old: int, quote: str, prefix: str, suffix: str) -> Anchor | None:
    """Step 1: the quote is still at its offsets, with at least one side of its context intact."""
    end = old + len(quote)
    if not body.startswith(quote, old) or not _aligned(body, old, end):
        return None
    # Text inserted earlier can slide a different copy of a repeated quote onto the old offsets;
    # that copy would have the wrong context on both sides, so let step 2 weigh it.
    p, q = _context(body, old, end, prefix, suffix)
    if p == len(prefix) or q == len(suffix):
        return make_anchor(body, old, end)
    return None


def _by_exact_quote(body: str, old: int, quote: str, prefix: str, suffix: str) -> Anchor | None:
    """Step 2: the quote unchanged somewhere else; with several copies, the best context wins."""
    n = len(quote)
    if prefix or suffix:
        # Cheapest and commonest: the text moved as a whole, context included.
        for hit in _occurrences(body, prefix + quote + suffix, old - len(prefix), 16):
            s = hit + len(prefix)
            if _aligned(body, s, s + n):
                return make_anchor(body, s, s + n)
    scored = []
    for s in _occurrences(body, quote, old, _MAX_OCCURRENCES):
        p, q = _context(body, s, s + n, prefix, suffix)
        scored.append(((p + q, -abs(s - old)), s, p, q))
    scored.sort(reverse=True)
    # "Nam" inside a letter with an extra mark is not "Nam"; only the winner needs checking.
    best = next((c for c in scored if _aligned(body, c[1], c[1] + n)), None)
    if best is None:
        return None
    _, s, p, q = best
    total = len(prefix) + len(suffix)
    # A short quote occurs everywhere: move it only with real evidence from its context.
    trusted = (
        s == old
        or n >= SHORT_QUOTE
        or total == 0
        or (prefix and p == len(prefix))
        or (suffix and q == len(suffix))
        or 2 * (p + q) >= total
    )
    return make_anchor(body, s, s + n) if trusted else None


def _by_fuzzy_quote(body: str, old: int, quote: str, prefix: str, suffix: str) -> Anchor | None:
    """Step 3: the quote itself was edited; find the closest passage near where it should be."""
    n = len(quote)
    k = int(n * (1 - MIN_SIMILARITY) + 1e-9)  # edits allowed
    if k == 0:
        return None
    deadline = time.perf_counter() + _FUZZY_BUDGET
    candidates: dict[tuple[int, int], bool] = {}  # span -> framed by the whole stored context

    # The stored prefix and suffix both intact, with an edited passage between them.
    starts = [h + len(prefix) for h in _occurrences(body, prefix, old - len(prefix), _MAX_HITS)] if prefix else [0]
    for a in starts:
        lo, hi = a + max(1, n - k), a + n + k
        if suffix:
            b = body.find(suffix, lo, hi + len(suffix))
        else:
            b = len(body) if lo <= len(body) <= hi else -1
        if b >= 0:
            candidates[(a, b)] = True

    # Windows where the passage may have gone: its old place, and wherever a piece of its
    # context or of the quote itself still occurs.
    centers = [old]
    if prefix:
        tail = prefix[-16:]
        centers += [h + len(tail) for h in _occurrences(body, tail, old - len(tail), _MAX_HITS)]
    if suffix:
        head = suffix[:16]
        centers += [h - n for h in _occurrences(body, head, old + n, _MAX_HITS)]
    pieces = min(k + 1, 8)  # with at most k edits, one of k+1 pieces survives intact
    size = n // pieces
    if size >= 4:
        for i in range(pieces):
            piece = quote[i * size : (i + 1) * size]
            centers += [h - i * size for h in _occurrences(body, piece, old + i * size, _MAX_HITS)]
    # Where several pieces agree on the passage's start, look there first.
    votes = {c: sum(abs(c - x) <= k for x in centers) for c in set(centers)}
    chosen: list[int] = []
    for c in sorted(votes, key=lambda c: (-votes[c], abs(c - old))):
        if len(chosen) >= _MAX_WINDOWS or time.perf_counter() > deadline:
            break
        if any(abs(c - x) <= k // 2 for x in chosen):
            continue
        chosen.append(c)
        span = _best_in_window(quote, body, max(0, c - 2 * k - 8), min(len(body), c + n + 2 * k + 8), c, k)
        if span:
            candidates.setdefault(span, False)

    best = None
    for (s, e), framed in candidates.items():
        placed = _tidy_span(body, s, e, quote, prefix, suffix, snap_words=not framed)
        if placed is None:
            continue
        s, e, sim = placed
        if sim < MIN_SIMILARITY or (n < SHORT_QUOTE and not framed):
            continue
        p, q = _context(body, s, e, prefix, suffix)
        if not framed and n < 2 * SHORT_QUOTE and 4 * (p + q) < len(prefix) + len(suffix):
            continue  # a short, edited quote needs some of its context around it too
        # Both contexts intact at the right distance outweigh a slightly closer text elsewhere.
        key = (framed, sim, p + q, -abs(s - old))
        if best is None or key > best[0]:
            best = (key, s, e)
    return make_anchor(body, best[1], best[2]) if best else None


def _tidy_span(body, s, e, quote, prefix, suffix, snap_words):
    """A fuzzy match's span made presentable: whole graphemes, words, no stray blanks; with its similarity."""
    # Blanks inserted next to the passage belong to the text around it.
    if not quote[0].isspace():
        m = _NONSPACE.search(body, s, e)
        s = m.start() if m else s
    if not quote[-1].isspace():
        m = _LAST_NONSPACE.search(body, s, e)
        e = m.end() if m else e
    s, e = grapheme_start(body, s), grapheme_end(body, e)
    if e <= s:
        return None
    sim = _similarity(quote, body[s:e])
    if snap_words:
        ws, we = _snap_to_words(body, s, e, quote, prefix, suffix)
        if (ws, we) != (s, e):
            wsim = _similarity(quote, body[ws:we])
            if wsim >= MIN_SIMILARITY:
                return ws, we, wsim
    return s, e, sim
