"""Letters benchmark: what the letters module costs a cold start, what the first letter costs a new container
(fpdf2, Pillow, fontTools, the templates, the fonts), and a warm letter; the sizes of its PDF and sealed XML.

Run from the project root: `.venv/bin/python bench/letters.py` (or `make bench`). Measures and writes down; no
thresholds. Each sample runs in a fresh interpreter, after one warm-up (so .pyc files exist).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cold_start import BENCH_ENV, clean_env, parse_importtime  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "letters.md"

# `import app` with and without the letters module in MODULES: the module's share of a cold start.
APP = """
import sys, time
if {without}:
    import chalicelib.modules as m
    m.MODULES = tuple(x for x in m.MODULES if x != "letters")
t = time.perf_counter()
import app
print(time.perf_counter() - t)
"""
# The first letter in a container, then a warm one: compose, render the PDF, build and seal the XML.
LETTER = """
import time, json
from datetime import UTC, datetime
t = time.perf_counter()
from tests.unit.test_letters import make, NOW
from tests.unit.fakes import office_seal
seal = office_seal()
ready = time.perf_counter()
from chalicelib.documents import letter_pdf, letter as letter_xml
def one():
    letter = make("decyzja")
    pdf = letter_pdf.render(letter)
    return pdf, seal.seal(letter_xml.render(letter, pdf, made_at=NOW), signing_time=NOW)
s = time.perf_counter(); pdf, xml = one(); first = time.perf_counter() - s
s = time.perf_counter(); one(); warm = time.perf_counter() - s
print(json.dumps({{"first": first, "warm": warm, "pdf": len(pdf), "xml": len(xml)}}))
"""


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(BENCH_ENV), capture_output=True,
                         text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def letters_import_us(runs: int) -> tuple[float, list[str]]:
    """The median over `runs` of what `import app` spends in the letters package's own modules (`-X importtime`,
    self time, so noise elsewhere does not count), and which of its modules load."""
    totals, names = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"], cwd=ROOT,
                             env=clean_env(BENCH_ENV), capture_output=True, text=True, check=True)
        rows = [r for r in parse_importtime(out.stderr) if r.module.startswith("chalicelib.modules.letters")]
        totals.append(sum(r.self_us for r in rows))
        names = [r.module for r in rows]
    return statistics.median(totals), names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    run(APP.format(without=False))
    run(APP.format(without=True))
    with_letters, without = [], []
    for _ in range(args.runs):  # interleaved
        with_letters.append(float(run(APP.format(without=False))))
        without.append(float(run(APP.format(without=True))))
    own_us, own_modules = letters_import_us(args.runs)
    run(LETTER.format())
    letters = [json.loads(run(LETTER.format())) for _ in range(max(3, args.runs // 2))]
    med = statistics.median
    lines = [
        "# Letters benchmark", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", f"- Python: {sys.version.split()[0]}",
        f"- Runs: {args.runs} interleaved for `import app`; {len(letters)} for the letter", "",
        "| what | median | min |", "|---|---:|---:|",
        f"| `import app` (with letters) | {med(with_letters) * 1000:.0f} ms | {min(with_letters) * 1000:.0f} ms |",
        f"| `import app` (letters left out of MODULES) | {med(without) * 1000:.0f} ms | {min(without) * 1000:.0f} ms |",
        f"| first letter in a container (fpdf2, Pillow, fontTools, fonts, templates; compose, PDF, seal) | "
        f"{med(x['first'] for x in letters) * 1000:.0f} ms | {min(x['first'] for x in letters) * 1000:.0f} ms |",
        f"| a warm letter (compose, PDF, seal) | {med(x['warm'] for x in letters) * 1000:.0f} ms | "
        f"{min(x['warm'] for x in letters) * 1000:.0f} ms |", "",
        f"Ratio `import app` with / without letters (medians): **{med(with_letters) / med(without):.2f}×** "
        "(wall-clock, on a shared machine: noisy).", "",
        f"What `import app` spends in the letters package itself (`-X importtime`, self, median of {args.runs}): "
        f"**{own_us / 1000:.1f} ms**, in {', '.join(f'`{m}`' for m in own_modules)}; nothing of fpdf2, Pillow, "
        "fontTools, pydantic or PynamoDB (`tests/unit/test_cold_start.py`).", "",
        f"A decision's PDF: {letters[0]['pdf'] / 1024:.1f} KiB (DejaVu Sans subset); its sealed XML with the PDF "
        f"inside: {letters[0]['xml'] / 1024:.1f} KiB.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
