"""The text pipeline: decode bytes, normalise and sanitise every string, fold for search, graphemes."""

from __future__ import annotations

import codecs
import re
import unicodedata


class LazyRegex:
    """A pattern compiled on first use, by `regex` (whose module, ~20 ms, loads only for what needs
    it) or, with `plain`, by `re`: a command that never meets what it finds does not pay for it."""

    def __init__(self, pattern: str, *, plain: bool = False) -> None:
        self._pattern = pattern
        self._plain = plain
        self._compiled = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            if self._plain:
                self._compiled = re.compile(self._pattern)
            else:
                import regex

                self._compiled = regex.compile(self._pattern)
        return getattr(self._compiled, name)


# What an address from outside (a page's link, a feed entry) may be: a web page to fetch, or, as a
# link, also an e-mail address. Anything else (file:, javascript:, an application's own scheme)
# would hand what a stranger wrote to a program on this machine.
WEB_SCHEMES = ("http", "https")
LINK_SCHEMES = (*WEB_SCHEMES, "mailto")

MAX_BYTES = 20 * 1024 * 1024
# Only the head is scanned for NUL: enough to tell binary from text, cheap on a 20 MB file.
BINARY_SCAN_BYTES = 8000


class InputError(ValueError):
    """A refusal whose message is fit to show the user as is."""


# --------------------------------------------------------------------------- decoding

# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# Windows-1258 writes most tones as separate combining bytes: grave, acute, tilde, hook, dot below.
_VI_TONE = LazyRegex("[\u0300\u0301\u0303\u0309\u0323]", plain=True)
# A tone not sitting on a vowel as Windows-1258 writes them (precomposed with breve, circumflex, horn).
_STRAY_TONE = LazyRegex("(?<![aăâeêioôơuưyAĂÂEÊIOÔƠUƯY])[\u0300\u0301\u0303\u0309\u0323]", plain=True)


def too_large(size: int, limit: int = MAX_BYTES) -> str:
    """Why a file of `size` bytes is refused, both sizes shown precisely enough that they differ."""
    for digits in (1, 2, 3):
        shown, most = (f"{n / (1024 * 1024):.{digits}f}" for n in (size, limit))
        if shown != most:
            return f"file is {shown} MB; the limit is {most} MB"
    return f"file is {size:,} bytes; the limit is {limit:,} bytes ({limit / (1024 * 1024):.1f} MB)"


def _codec_name(encoding: str) -> str:
    """Canonical codec name, or InputError if Python has no text codec by that name."""
    try:
        info = codecs.lookup(encoding)
        # lookup() also knows bytes-to-bytes codecs (base64, zlib), which bytes.decode refuses;
        # a non-empty probe is needed since decoding b"" short-circuits before that check.
        b"x".decode(info.name, "ignore")
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}; try a name such as utf-8, cp1258 or latin-1") from None
    return info.name


def _looks_vietnamese(decoded: str) -> bool:
    """True if text decoded as Windows-1258 reads as Vietnamese: tones present, each on a vowel.

    Checking the letter before each tone mark (not merely that NFC composes it) keeps Italian
    out: its ò/ì bytes land after consonants ("però", "così"), and r/s + mark would compose.
    Portuguese ã/õ (read as ă/ơ) brings no tone bytes at all.
    """
    return _VI_TONE.search(decoded) is not None and _STRAY_TONE.search(decoded) is None


def _detect(data: bytes) -> str | None:
    """Decode with a detected encoding, preferring Windows-1258 when the text reads as Vietnamese."""
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data).best()
    except Exception:  # the detector is a black box fed untrusted bytes; a crash means "no idea"
        best = None
    guess = None
    if best is not None:
        try:
            guess = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            guess = None
        if guess is not None and codecs.lookup(best.encoding).name == "cp1258":
            return guess
    # The detector often settles on another single-byte code page for English text with a few
    # Vietnamese names; Windows-1258 wins when it, and not the guess, reads as Vietnamese.
    try:
        vi = data.decode("cp1258")
    except UnicodeDecodeError:
        vi = None
    if vi is not None and _looks_vietnamese(vi) and (guess is None or not _looks_vietnamese(guess)):
        return vi
    return guess


def decode(data: bytes, encoding: str | None = None, *, force: bool = False) -> str:
    """Decode a file's bytes (BOM, UTF-8, the given encoding, detection) into clean text, or refuse.

    With `force` the given encoding decodes the bytes even where they would read as UTF-8 (the
    user said what they are); only a UTF-8 byte-order mark is dropped, UTF-16/32 read their own.
    """
    if not data:
        raise InputError("empty file")
    if len(data) > MAX_BYTES:
        raise InputError(too_large(len(data)))
    codec = _codec_name(encoding) if encoding else None
    if codec and force:
        return _checked(_forced(data, codec, encoding))

    decoded = None
    # A BOM is checked before the NUL test because UTF-16/32 text is full of NUL bytes.
    for bom, name, label in _BOMS:
        if data.startswith(bom):
            try:
                decoded = data[len(bom) :].decode(name)
            except UnicodeDecodeError as e:
                raise InputError(
                    f"starts with a {label} byte-order mark but is not valid {label} (byte {e.start + len(bom)})"
                ) from None
            break
    # A user who names UTF-16/32 for a BOM-less file knows its NULs are text, and such bytes
    # would also pass as UTF-8 (with NULs), so that encoding goes before both checks below.
    if decoded is None and codec and codec.startswith(("utf-16", "utf-32")):
        try:
            decoded = data.decode(codec)
        except UnicodeDecodeError as e:
            raise InputError(f"cannot decode as {encoding} (bad bytes at offset {e.start})") from None
    if decoded is None:
        nul = data.find(b"\0", 0, BINARY_SCAN_BYTES)
        if nul >= 0:
            raise InputError(f"binary file (NUL byte at offset {nul})")
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if decoded is None and codec:
        try:
            decoded = data.decode(codec)
        except UnicodeDecodeError as e:
            raise InputError(f"cannot decode as {encoding} (bad bytes at offset {e.start})") from None
    if decoded is None:
        decoded = _detect(data)
    if decoded is None:
        raise InputError("cannot decode: not UTF-8, and no encoding detected; try --encoding")
    return _checked(decoded)


def _forced(data: bytes, codec: str, encoding: str) -> str:
    """The bytes decoded with the codec the user named, or a refusal saying where they do not fit."""
    if not codec.startswith(("utf-16", "utf-32")):  # their text is full of NULs; in others NUL is binary
        nul = data.find(b"\0", 0, BINARY_SCAN_BYTES)
        if nul >= 0:
            raise InputError(f"binary file (NUL byte at offset {nul})")
    try:
        return data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as e:
        raise InputError(f"cannot decode as {encoding} (bad bytes at offset {e.start})") from None


def _checked(decoded: str) -> str:
    decoded = clean(decoded)
    if not decoded.strip():
        raise InputError("no text in file (only blanks or control characters)")
    return decoded


# --------------------------------------------------------------------------- cleaning

# Made visible rather than removed: a reader should see that someone tried to reorder or hide text.
# Every format character (Unicode category Cf: bidi controls, zero-width marks, invisible math
# operators, tag characters U+E0000-E007F that smuggle ASCII, ...) and the Hangul fillers, which
# render as blanks without being spaces. ZWJ (U+200D) also glues emoji sequences (👨‍👩‍👧); showing
# it splits such an emoji into its parts, an acceptable cost in news text for never letting
# invisible characters through. The Cf ranges are Unicode 15.1's (a test checks them against
# unicodedata); the soft hyphen, only a hint where a line may break, is dropped instead.
_CF_RANGES = (
    (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
    (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_HANGUL_FILLERS = (0x115F, 0x1160, 0x3164, 0xFFA0)
# Dropped: they change nothing a reader sees, and they would split a word for search.
_DROPPED = "\u00ad\u034f"  # soft hyphen, combining grapheme joiner
# Variation selectors choose a glyph for the character before them; one is kept there. Any other
# (at the start, after a blank, a control or another selector) is stray, and a run of them after
# one emoji can carry a hidden message: shown.
_VS = "\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"


def _class(ranges) -> str:
    return "".join(f"\\U{lo:08x}-\\U{hi:08x}" if hi != lo else f"\\U{lo:08x}" for lo, hi in ranges)


_INVISIBLE = _class(_CF_RANGES) + _class((c, c) for c in _HANGUL_FILLERS)

# String sequences (OSC, DCS, SOS, PM, APC) end at BEL or ST (ESC \ or U+009C). An unterminated
# one ends at the end of its line: a terminal would swallow the rest of the file, but once the
# ESC is gone the payload is inert, and losing at most one line keeps the article readable.
# A stray ESC inside the payload also ends it, as it aborts the string in real terminals.
_STRING_BODY = r"[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
# Every match starts with one of these. Leading the pattern with them as a lookahead lets the
# regex engine skip ahead by character class (about 6x faster on clean text); a text without any
# is returned untouched.
# The BMP ones listed char by char (re then tests a bitmap, 3x faster than ~30 ranges) and every
# astral character as one range (rare in news; the alternatives below tell the hidden ones apart).
_BMP_HIDDEN = "".join(
    chr(c)
    for lo, hi in (
        *_CF_RANGES,
        *((c, c) for c in _HANGUL_FILLERS),
        (0x180B, 0x180D),
        (0x180F, 0x180F),
        (0xFE00, 0xFE0F),
    )
    if hi < 0x10000
    for c in range(lo, hi + 1)
)
_TRIGGER = f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_BMP_HIDDEN}{_DROPPED}\\U00010000-\\U0010ffff]"
_HAS_TRIGGER = re.compile(_TRIGGER)
# Compiled when a text first holds a trigger (1.4 ms): most output never does.
_SANITISE = LazyRegex(
    f"(?={_TRIGGER})(?:"
    + "|".join(
        (
            r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])" + _STRING_BODY,  # OSC DCS SOS PM APC (7- and 8-bit)
            r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?",  # CSI; without a final byte it is dropped as far as it goes
            r"\x1b[ -/]*[0-~]?",  # two-byte (and nF) ESC sequences; a lone ESC too
            r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]",  # C0 except \t \n, DEL, C1
            f"[{_DROPPED}]",
            r"(?P<sur>[\ud800-\udfff])",  # lone surrogates: they cannot be stored as UTF-8
            f"(?P<vis>[{_INVISIBLE}]|(?:^|(?<=[\\s\\x00-\\x1f\\x7f-\\x9f{_VS}{_INVISIBLE}]))[{_VS}])",
        )
    )
    + ")",
    plain=True,
)
# What _sanitise_match writes for a shown character: search reads through it (see fold).
_MARKER = re.compile(r"⟨U\+[0-9A-F]{4,6}⟩")


def strip_markers(s: str) -> str:
    """`s` without the ⟨U+XXXX⟩ marks sanitise wrote for invisible characters (search reads through them)."""
    return _MARKER.sub("", s) if "⟨" in s else s


def _sanitise_match(m: re.Match) -> str:
    if m.group("vis"):
        return f"⟨U+{ord(m.group('vis')):04X}⟩"
    if m.group("sur"):
        return "\ufffd"
    return ""


def sanitise(s: str) -> str:
    """Remove control characters and whole escape sequences; make format characters and fillers visible."""
    # The output has no ESC, control or invisible mark left, so a later pass finds nothing: idempotent.
    if not _HAS_TRIGGER.search(s):
        return s
    once = _SANITISE.sub(_sanitise_match, s)
    # What was removed may have stood before a variation selector ("\xad\ufe0f", "\n\x1b[0m\ufe0f"):
    # now stray, it is shown by one more pass (rare: only when something was changed).
    return _SANITISE.sub(_sanitise_match, once) if once != s and _HAS_TRIGGER.search(once) else once


_NEWLINES = re.compile(r"\r\n?|\u2028")


def clean(s: str) -> str:
    """Normalise newlines to LF, sanitise and NFC-normalise: applied to every string that enters."""
    if s.isascii() and s.isprintable():
        return s  # nothing to do (most short fields): no control, no invisible, NFC already
    # U+2028/2029 are line/paragraph breaks that terminals do not honour; spell them as LFs.
    if "\r" in s or "\u2028" in s:
        s = _NEWLINES.sub("\n", s)
    s = s.replace("\u2029", "\n\n")
    # Sanitise before NFC: removing a control between a letter and its mark can leave a
    # decomposed pair that only a later NFC composes.
    return unicodedata.normalize("NFC", sanitise(s))


# --------------------------------------------------------------------------- folding

_FOLD_CACHE: dict[str, str] = {}
_D_MAP = str.maketrans({"đ": "d", "ð": "d", "ɖ": "d"})  # Đ and its look-alikes Ð, Ɖ (lowered first)


def _fold_char(ch: str) -> str:
    folded = _FOLD_CACHE.get(ch)
    if folded is None:
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
        # casefold may bring marks back (ǰ, ΐ), so strip again after it.
        base = unicodedata.normalize("NFD", base.casefold())
        folded = "".join(c for c in base if unicodedata.category(c) != "Mn").translate(_D_MAP)
        _FOLD_CACHE[ch] = folded
    return folded


class _FoldTable(dict):
    """str.translate table that folds each character on first sight and remembers it."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()
_RUN_CACHE: dict[str, str] = {}


class _NotLowerStable(Exception):
    """A folded character that str.lower() would change (Cherokee): fold that text char by char."""


def _fold_runs(error: UnicodeEncodeError) -> tuple[bytes, int]:
    """The encoding error handler fold() uses: a run of non-ASCII characters, folded (as UTF-8)."""
    return _fold_run(error.object[error.start : error.end]).encode("utf-8", "surrogatepass"), error.end


def _fold_run(run: str) -> str:
    folded = _RUN_CACHE.get(run)
    if folded is None:
        folded = "".join(_fold_char(ch) for ch in run)
        if folded.lower() != folded:
            raise _NotLowerStable
        if len(_RUN_CACHE) < 100_000:
            _RUN_CACHE[run] = folded
    return folded


def fold(s: str) -> str:
    """Fold for search: drop diacritics, đ→d, casefold; NFC Vietnamese keeps its length."""
    if s.isascii():
        return s.lower()
    if "⟨" in s and _MARKER.search(s):
        # A shown invisible (⟨U+3164⟩) is read through, as if it were not there: "hangul⟨U+3164⟩x"
        # is found by `hangulx`. Rare, so the slower path that keeps offsets does it.
        return fold_with_offsets(s)[0]
    # Two fast paths, same result as folding char by char (the index and every query rely on it):
    # English with a few accented names folds only its non-ASCII runs and lowers the rest in C;
    # text dense in accents (Vietnamese) goes through a translate table.
    if (len(s.encode("utf-8", "surrogatepass")) - len(s)) * 8 < len(s):
        try:
            # The ASCII encoder skips ASCII in C and hands each non-ASCII run to _fold_runs:
            # twice as fast as finding the runs with a regex.
            return s.encode("ascii", "reader-fold").decode("utf-8", "surrogatepass").lower()
        except _NotLowerStable:
            return "".join(_fold_char(ch) for ch in s)
    return s.translate(_FOLD_TABLE)


def fold_with_offsets(s: str) -> tuple[str, list[int]]:
    """Fold `s` and give, for each folded character, the index of the character it came from."""
    if s.isascii():
        return s.lower(), list(range(len(s)))
    skip = {i for m in _MARKER.finditer(s) for i in range(*m.span())} if "⟨" in s else ()
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(s):
        if i in skip:
            continue
        f = _fold_char(ch)
        out.append(f)
        offsets.extend([i] * len(f))
    return "".join(out), offsets


codecs.register_error("reader-fold", _fold_runs)


# --------------------------------------------------------------------------- identity


def content_hash(s: str) -> str:
    """An article's identity: the SHA-256 hex digest of its clean text's UTF-8."""
    import hashlib  # only writes need it: not loaded with every command

    return hashlib.sha256(s.encode("utf-8")).hexdigest()
