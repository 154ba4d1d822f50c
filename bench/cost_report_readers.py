"""How long a region-wide cost report takes to read its metering partitions: one Query per JST, read one at a time
(the baseline) and 4 at a time (`queries.READERS`, what the report does), in the same run on the same rows.

    .venv/bin/python -m infrastructure.emulator exec --port 4669 --state .local/bench-costs-emulator -- \\
        .venv/bin/python bench/cost_report_readers.py [--jsts 60] [--rows 90]

Writes bench/results/cost_report_readers.md. The emulator answers on this machine's CPUs: the ratio, not the
times, is what carries over to AWS (where each Query waits on the network, so threads help more).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.local_platform import ROOT, set_environment

RESULTS = ROOT / "bench" / "results" / "cost_report_readers.md"
MONTH = "2025-03"


def write_rows(jsts: list[str], rows: int) -> None:
    from chalicelib.integrations.aws import client
    from chalicelib.resources import table_name

    dynamodb = client("dynamodb")
    items = []
    for terc in jsts:
        for i in range(rows):
            day = f"{MONTH}-{i % 28 + 1:02d}"
            items.append({"pk": {"S": f"T#{terc}"}, "sk": {"S": f"D#{day}#M#submissions#S#usluga-{i}#F#api"},
                          "day": {"S": day}, "tenant": {"S": terc}, "module": {"S": "submissions"},
                          "service": {"S": f"usluga-{i}"}, "function": {"S": "api"}, "memory_mb": {"N": "512"},
                          "invocations": {"N": "40"}, "api_requests": {"N": "40"}, "gb_seconds": {"N": "6.5"},
                          "write_units": {"N": "80"}, "read_units": {"N": "120"}, "aws:dynamodb:PutItem": {"N": "80"},
                          "aws:s3:PutObject": {"N": "12"}})
    for start in range(0, len(items), 25):
        batch = {table_name("metering"): [{"PutRequest": {"Item": it}} for it in items[start:start + 25]]}
        while batch:
            batch = dynamodb.batch_write_item(RequestItems=batch).get("UnprocessedItems") or {}


def timed(jsts: list[str], workers: int, repeats: int) -> tuple[float, int]:
    from chalicelib.modules.costs import metering_reader, queries

    reader, times, count = metering_reader(), [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        rows = queries.read_all(lambda terc: reader.month(terc, MONTH), jsts, workers=workers)
        times.append(time.perf_counter() - started)
        count = len(rows)
    return statistics.median(times), count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jsts", type=int, default=60)
    parser.add_argument("--rows", type=int, default=90)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    set_environment()
    from infrastructure import stack, template

    stack.deploy("eurzad-bench-resources", template.render())
    jsts = [f"14{i:05d}" for i in range(args.jsts)]
    write_rows(jsts, args.rows)
    one, rows = timed(jsts, 1, args.repeats)
    four, _ = timed(jsts, 4, args.repeats)
    RESULTS.write_text(
        "# Region-wide cost report: reading the metering partitions\n\n"
        f"{args.jsts} JST partitions × {args.rows} rows ({rows} rows), one paged Query per JST, median of "
        f"{args.repeats} runs, on the local emulator (`bench/cost_report_readers.py`).\n\n"
        "| readers at once | time | vs one at a time |\n|---|---|---|\n"
        f"| 1 (baseline) | {one * 1000:.0f} ms | 1.00 |\n"
        f"| 4 (the report's) | {four * 1000:.0f} ms | {four / one:.2f} |\n\n"
        "The emulator and the bench share the machine's 2 CPUs (and other work ran meanwhile): the times are "
        "slow and noisy, the ratio is the point. In AWS each Query waits on the network, which the threads "
        "overlap the same way.\n", encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
