"""Synthetic Vietnamese-English wire stories for the benchmarks (deterministic, unique per article)."""

from __future__ import annotations

import random
import string
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

PLACES = [
    ("HÀ NỘI", "Hà Nội"),
    ("ĐÀ NẴNG", "Đà Nẵng"),
    ("QUẢNG NINH", "Quảng Ninh"),
    ("TP HỒ CHÍ MINH", "TP Hồ Chí Minh"),
    ("HẢI PHÒNG", "Hải Phòng"),
    ("CẦN THƠ", "Cần Thơ"),
    ("THỪA THIÊN-HUẾ", "Thừa Thiên-Huế"),
    ("KHÁNH HÒA", "Khánh Hòa"),
    ("LÀO CAI", "Lào Cai"),
    ("BÌNH DƯƠNG", "Bình Dương"),
    ("NGHỆ AN", "Nghệ An"),
    ("ĐỒNG NAI", "Đồng Nai"),
    ("KIÊN GIANG", "Kiên Giang"),
    ("LÂM ĐỒNG", "Lâm Đồng"),
]
SOURCES = ["VNA/VNS", "VNS", "VNA", "Việt Nam News", "VnExpress International", "Tuổi Trẻ News"]
PEOPLE = [
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Lê Minh Tuấn",
    "Phạm Quốc Hùng",
    "Hoàng Thị Thu Hà",
    "Võ Văn Thưởng",
    "Đặng Hoàng Long",
    "Bùi Thị Mai Anh",
    "Đỗ Đức Duy",
    "Ngô Thanh Hải",
    "Huỳnh Tấn Phát",
    "Dương Thị Hồng Nhung",
    "Vũ Đức Đam",
    "Lý Quang Minh",
    "Trịnh Xuân Trường",
]
ROLES = [
    "chairman of the provincial People's Committee",
    "Deputy Minister of Planning and Investment",
    "director of the municipal Department of Transport",
    "head of the Việt Nam Chamber of Commerce and Industry",
    "deputy director of the Department of Agriculture and Rural Development",
    "a senior economist",
    "vice chairwoman of the city People's Committee",
    "director of the provincial Department of Health",
    "Deputy Minister of Natural Resources and Environment",
    "general director of the port authority",
]
SUBJECTS = [
    "tourism",
    "seafood exports",
    "rice exports",
    "logistics",
    "renewable energy",
    "the coffee harvest",
    "public investment",
    "digital transformation",
    "the metro line",
    "flood prevention",
    "foreign direct investment",
    "the expressway project",
    "healthcare reform",
    "coastal erosion",
    "the start-up ecosystem",
    "textile exports",
]
VERBS = [
    "boosts",
    "steps up",
    "reviews",
    "speeds up",
    "launches",
    "plans",
    "cuts red tape for",
    "invests in",
    "targets",
]
TITLE_TEMPLATES = [
    "{place} {verb} {subject}",
    "{place} {verb} {subject} as demand rises",
    "{place} to spend VNĐ{n} trillion on {subject}",
    "Việt Nam, {country} boost cooperation in {subject}",
    "{person} urges faster progress on {subject} in {place}",
    "{subject_cap} in {place} up {pct} per cent in first {months} months",
    "Workshop in {place} discusses {subject}",
    "{place} residents welcome new plan for {subject}",
    "Storm {storm} disrupts {subject} in {place}",
    "PM calls for breakthroughs in {subject}",
]
COUNTRIES = [
    "Japan",
    "the Republic of Korea",
    "Singapore",
    "Australia",
    "France",
    "Laos",
    "Cambodia",
    "India",
    "the US",
    "Germany",
]
STORMS = ["Yagi", "Noru", "Doksuri", "Molave", "Damrey", "Kalmaegi", "Trami"]
SENTENCES = [
    "The province aims to welcome {n} million visitors this year, up {pct} per cent on last year.",
    "{person}, {role}, said the plan would be carried out in three phases until {year}.",
    "According to report No {ref}/BC-UBND, the total investment reached VNĐ{n}.{m} trillion (US${usd} million).",
    "Local authorities have asked investors to speed up site clearance, which has been delayed since {year}.",
    "“We must not let {subject} fall behind the region,” {person} told a meeting on {weekday}.",
    "Exports of {subject} rose {pct} per cent year-on-year to US${usd} million in the first {months} months.",
    "The project covers {n} hectares in {place} and is expected to create about {jobs} jobs.",
    "Experts at the workshop noted that Việt Nam's growth depends on better infrastructure and skilled workers.",
    "Heavy rain in the central region flooded {n} houses and damaged {m} hectares of rice, officials said.",
    "The Ministry of Finance said public investment disbursement had reached {pct} per cent of the plan.",
    "Residents of {place} said they hoped the new road would cut travel time to Hà Nội by half.",
    "Mr. {person} also asked the departments to report to the People's Committee by {weekday}.",
    "The programme, worth VNĐ{n} billion, is funded by the State budget and official development assistance.",
    "Dr. {person} said the number of patients had risen sharply, to about {jobs} a day, since early {year}.",
    "Tourist arrivals to {place} from {country} grew strongly, and hotel occupancy topped {pct} per cent.",
    "Some {jobs} households will receive support under the scheme, which runs until {year}.",
    "Delegates agreed to set up a working group on {subject}, with its first meeting in {place}.",
    "Prices of {subject} have been volatile, e.g. falling {pct} per cent in March before recovering in May.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
START = date(2018, 1, 1)
SPAN_DAYS = (date(2025, 12, 31) - START).days


_FIELDS = {
    "person": lambda r, i, p: r.choice(PEOPLE),
    "role": lambda r, i, p: r.choice(ROLES),
    "subject": lambda r, i, p: r.choice(SUBJECTS),
    "subject_cap": lambda r, i, p: (lambda s: s[0].upper() + s[1:])(r.choice(SUBJECTS)),
    "verb": lambda r, i, p: r.choice(VERBS),
    "country": lambda r, i, p: r.choice(COUNTRIES),
    "storm": lambda r, i, p: r.choice(STORMS),
    "n": lambda r, i, p: int(r.random() * 949) + 2,
    "m": lambda r, i, p: int(r.random() * 99) + 1,
    "pct": lambda r, i, p: int(r.random() * 84) + 2,
    "usd": lambda r, i, p: int(r.random() * 3996) + 5,
    "months": lambda r, i, p: int(r.random() * 10) + 2,
    "year": lambda r, i, p: int(r.random() * 12) + 2019,
    "jobs": lambda r, i, p: f"{(int(r.random() * 90) + 1) * 100:,}",
    "weekday": lambda r, i, p: r.choice(WEEKDAYS),
    "ref": lambda r, i, p: 1000 + i,
    "place": lambda r, i, p: p,
}
_TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {}


def _fill(rng: random.Random, template: str, i: int, place: str) -> str:
    """Fill a template, drawing only the fields it uses (generation dominates the build otherwise)."""
    names = _TEMPLATE_FIELDS.get(template)
    if names is None:
        names = _TEMPLATE_FIELDS[template] = tuple({f for _, f, _, _ in string.Formatter().parse(template) if f})
    return template.format(**{name: _FIELDS[name](rng, i, place) for name in names})


def body_of(rng: random.Random, i: int, dateline: str, place: str, target: int) -> str:
    """Paragraphs of 2-5 sentences until about `target` characters; the first names the article's report No."""
    paragraphs: list[str] = []
    size = 0
    first = True
    while size < target:
        count = rng.randint(2, 5)
        sentences = [_fill(rng, rng.choice(SENTENCES), i, place) for _ in range(count)]
        if first:  # the dateline, and the unique report number
            sentences[0] = f"{dateline} — " + sentences[0]
            sentences.append(_fill(rng, SENTENCES[2], i, place))
            first = False
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def article(i: int, rng: random.Random, *, target: int | None = None, day: date | None = None):
    """The i-th synthetic article (a reader.model.Article)."""
    from reader.model import Article

    dateline, place = rng.choice(PLACES)
    title = _fill(rng, rng.choice(TITLE_TEMPLATES), i, place)
    day = day or START + timedelta(days=rng.randint(0, SPAN_DAYS))
    body = body_of(rng, i, dateline, place, target if target is not None else rng.randint(2000, 4000))
    return Article(
        title=title,
        body=body,
        date=day.isoformat(),
        dateline=dateline,
        place=place,
        source=rng.choice(SOURCES),
        path=f"/wire/{day.year}/{i:07d}.txt",
    )


class Timed:
    """Wrap an iterator and count the time spent producing its items (generation, apart from insertion)."""

    def __init__(self, iterator: Iterator):
        self.iterator = iterator
        self.seconds = 0.0
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        start = time.perf_counter()
        try:
            return next(self.iterator)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def build_library(path: Path, n: int, seed: int = 20240601, batch_size: int | None = 50_000) -> dict:
    """Create a library of n synthetic articles with add_articles_bulk; returns timings.

    A commit per batch keeps the write-ahead log at a batch's size (one transaction of 1M grew it to 22 GB).
    """
    from reader.store import Library

    rng = random.Random(seed)
    started = time.perf_counter()
    library = Library(path)
    opened = time.perf_counter()
    source = Timed(article(i, rng) for i in range(n))
    added = library.add_articles_bulk(source, batch_size=batch_size)
    inserted = time.perf_counter()
    library.close()  # checkpoints the WAL into the database file
    closed = time.perf_counter()
    total = closed - started
    return {
        "articles": n,
        "added": added,
        "total_s": total,
        "generate_s": source.seconds,
        "insert_s": inserted - opened - source.seconds,
        "close_s": closed - inserted,
        "rows_per_s": n / total,
        "insert_rows_per_s": n / max(inserted - opened - source.seconds, 1e-9),
        "db_mb": sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6,
    }
