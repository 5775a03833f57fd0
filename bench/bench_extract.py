"""Article extraction through the reader's import path beside bare trafilatura, on the benchmark's pages.

    python bench/bench_extract.py [CORPUS_DIR]

Prints the F1 (../shared/tools/extraction-score) and pages/s of: the reader (reader.importers.html.parse),
bare trafilatura.extract (default) and bare trafilatura.extract(favor_precision=True).
"""

import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")


def pages(corpus: Path) -> dict[str, bytes]:
    """Every page of the corpus by id, as bytes."""
    return {p.name.split(".")[0]: gzip.decompress(p.read_bytes()) for p in sorted((corpus / "html").glob("*.html.gz"))}


def reader_extract(data: bytes, url: str) -> str:
    from reader import text
    from reader.importers import html

    try:
        return html.parse(data, "page.html", url=url).body
    except text.InputError:
        return ""


def bare(data: bytes, url: str, **options) -> str:
    import trafilatura

    return trafilatura.extract(data, url=url, **options) or ""


def score(truth_path: Path, predictions: dict[str, str]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump({k: {"articleBody": v} for k, v in predictions.items()}, f)
    out = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "extraction-score"), str(truth_path), f.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(f.name).unlink()
    return out.strip().splitlines()[-1]


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "corpora" / "article-extraction-benchmark"
    truth_path = corpus / "ground-truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    data = pages(corpus)
    runs = {
        "reader (importers.html.parse)": reader_extract,
        "bare trafilatura.extract": bare,
        "bare trafilatura.extract(favor_precision=True)": lambda d, u: bare(d, u, favor_precision=True),
    }
    for label, extract in runs.items():
        start = time.perf_counter()
        predictions = {k: extract(data[k], truth[k].get("url", "")) for k in truth}
        elapsed = time.perf_counter() - start
        print(f"{label:<48} {score(truth_path, predictions)}  {len(truth) / elapsed:.1f} pages/s")


if __name__ == "__main__":
    main()
