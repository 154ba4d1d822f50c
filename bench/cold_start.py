"""Cold-start benchmark: import time of the real app against a hello-world baseline, plus package sizes.

Run from the project root: `.venv/bin/python bench/cold_start.py` (or `make bench`).
It measures and writes down; there are no thresholds and no pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "cold_start.md"

BENCH_ENV = {
    "EURZAD_RESOURCE_PREFIX": "eurzad-bench",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "POWERTOOLS_TRACE_DISABLED": "true",
}
PACKAGE_ENV = {"AWS_DEFAULT_REGION": "eu-central-1", "EURZAD_RESOURCE_PREFIX": "eurzad-local"}

HELLO_APP = """\
import boto3
from chalice import Chalice

app = Chalice(app_name="hello")


@app.route("/")
def index():
    return {"hello": "world"}
"""

TIMER = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
SITE_PACKAGES_PARTS = 4  # python/lib/python3.X/site-packages/<pkg>


@dataclass(frozen=True)
class Stats:
    median: float
    p90: float
    minimum: float

    @classmethod
    def of(cls, samples: list[float]) -> Stats:
        ordered = sorted(samples)
        rank = max(1, math.ceil(0.9 * len(ordered)))  # nearest-rank percentile
        return cls(statistics.median(ordered), ordered[rank - 1], ordered[0])


@dataclass(frozen=True)
class ZipSize:
    name: str
    zipped: int
    uncompressed: int


@dataclass(frozen=True)
class PackageReport:
    zips: list[ZipSize]
    layer_top: list[tuple[str, int]]


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """The current environment with `extra` applied and no emulator endpoint."""
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    env.update(extra)
    return env


def time_import(cwd: Path, env: dict[str, str]) -> float:
    """Seconds spent in `import app` inside a fresh interpreter started in `cwd`."""
    out = subprocess.run([sys.executable, "-c", TIMER], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure_interleaved(real: Path, baseline: Path, runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """A, B, A, B... after one warm-up each (so .pyc files exist); returns (real, baseline) samples."""
    time_import(real, env)
    time_import(baseline, env)
    real_samples: list[float] = []
    base_samples: list[float] = []
    for _ in range(runs):
        real_samples.append(time_import(real, env))
        base_samples.append(time_import(baseline, env))
    return real_samples, base_samples


@dataclass(frozen=True)
class ImportLine:
    depth: int
    module: str
    self_us: int
    cumulative_us: int

    @property
    def package(self) -> str:
        return self.module.split(".", 1)[0]


def parse_importtime(stderr: str) -> list[ImportLine]:
    """`import time: self [us] | cumulative | imported package` lines, in the order Python printed them."""
    rows: list[ImportLine] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative, name = line.removeprefix("import time:").split("|", 2)
        depth = len(name) - len(name.lstrip())
        rows.append(ImportLine(depth, name.strip(), int(self_us), int(cumulative)))
    return rows


def package_costs(rows: list[ImportLine], root: str = "app") -> list[tuple[str, int, int]]:
    """(package, cumulative µs, self µs) for every top-level package imported under `root`.

    Cumulative is the time of the package's first entry points (the lines with no ancestor in the same
    package), so it includes whatever the package pulls in; self sums its own modules only.
    """
    cumulative: dict[str, int] = defaultdict(int)
    own: dict[str, int] = defaultdict(int)
    stack: list[ImportLine] = []
    inside = False
    for row in reversed(rows):  # importtime prints children first; reversed, every parent precedes its subtree
        while stack and stack[-1].depth >= row.depth:
            stack.pop()
        if not stack:
            inside = row.module == root
        elif inside:
            own[row.package] += row.self_us
            if all(a.package != row.package for a in stack):
                cumulative[row.package] += row.cumulative_us
        stack.append(row)
    return sorted(((p, cumulative[p], own[p]) for p in cumulative), key=lambda r: r[1], reverse=True)


def top_imports(cwd: Path, env: dict[str, str], limit: int = 10) -> list[tuple[str, int, int]]:
    """The costliest top-level packages behind `import app`, from one `-X importtime` run."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return package_costs(parse_importtime(out.stderr))[:limit]


def chalice_package(outdir: Path) -> None:
    """The deployment's own packaging (`chalice package --stage local`, then the layer without the runtime's
    SDK: infrastructure.deploy.package) into `outdir`, in a child process with the packaging environment."""
    code = ("from pathlib import Path; from infrastructure.deploy import package; "
            f"package('local', Path({str(outdir)!r}))")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(PACKAGE_ENV), check=True,
                   stdout=subprocess.DEVNULL)


def zip_size(path: Path) -> ZipSize:
    with zipfile.ZipFile(path) as zf:
        uncompressed = sum(info.file_size for info in zf.infolist())
    return ZipSize(path.name, path.stat().st_size, uncompressed)


def layer_top_dirs(path: Path, limit: int = 10) -> list[tuple[str, int]]:
    """Biggest top-level entries under site-packages in the layer zip, by uncompressed size."""
    sizes: dict[str, int] = defaultdict(int)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            parts = info.filename.split("/")
            key = parts[SITE_PACKAGES_PARTS] if len(parts) > SITE_PACKAGES_PARTS else info.filename
            sizes[key] += info.file_size
    return sorted(sizes.items(), key=lambda kv: kv[1], reverse=True)[:limit]


def measure_package() -> PackageReport:
    with tempfile.TemporaryDirectory(prefix="eurzad-pkg-") as tmp:
        outdir = Path(tmp) / "out"
        chalice_package(outdir)
        archives = [outdir / name for name in ("deployment.zip", "layer-deployment.zip")]
        zips = [zip_size(path) for path in archives if path.exists()]
        layer = outdir / "layer-deployment.zip"
        return PackageReport(zips, layer_top_dirs(layer) if layer.exists() else [])


def nproc() -> int:
    """CPUs usable by this process, like `nproc`."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def mib(size: int) -> str:
    if size < 2**20:
        return f"{size / 2**10:.0f} KiB"
    return f"{size / 2**20:.1f} MiB"


def render(
    runs: int, real: Stats, base: Stats, imports: list[tuple[str, int, int]], package: PackageReport | None
) -> str:
    lines = [
        "# Cold-start benchmark",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- Machine: nproc {nproc()}, {platform.platform()} ({platform.machine()})",
        f"- Runs: {runs} per app, interleaved, after one warm-up each",
        "",
        "## `import app` in a fresh interpreter",
        "",
        "| App | median | p90 | min |",
        "|---|---:|---:|---:|",
        f"| eurzad (real) | {ms(real.median)} | {ms(real.p90)} | {ms(real.minimum)} |",
        f"| hello-world Chalice + boto3 (baseline) | {ms(base.median)} | {ms(base.p90)} | {ms(base.minimum)} |",
        "",
        f"Ratio real / baseline (medians): **{real.median / base.median:.2f}×**",
        "",
        "## Top 10 top-level packages behind `import app` (one `-X importtime` run)",
        "",
        "Cumulative: the package's first import, including what it pulls in (so rows overlap: `chalicelib`",
        "contains most of the others). Self: the package's own modules only.",
        "",
        "| Package | cumulative | self |",
        "|---|---:|---:|",
        *(f"| `{name}` | {cum / 1000:.0f} ms | {own / 1000:.0f} ms |" for name, cum, own in imports),
        "",
        "## Deployment package (`infrastructure.deploy.package`, stage local)",
        "",
    ]
    if package is None:
        lines.append("Skipped (`--skip-package`).")
        return "\n".join(lines) + "\n"
    lines += ["| Archive | zipped | uncompressed |", "|---|---:|---:|"]
    lines += [f"| `{z.name}` | {mib(z.zipped)} | {mib(z.uncompressed)} |" for z in package.zips]
    lines += ["", "Biggest top-level entries in the layer (uncompressed):", "", "| Entry | size |", "|---|---:|"]
    lines += [f"| `{name}` | {mib(size)} |" for name, size in package.layer_top]
    return "\n".join(lines) + "\n"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per app (default 15)")
    parser.add_argument("--skip-package", action="store_true", help="skip the packaging (~35 s)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"report path (default {RESULTS})")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    env = clean_env(BENCH_ENV)
    with tempfile.TemporaryDirectory(prefix="hello-chalice-") as tmp:
        baseline = Path(tmp)
        (baseline / "app.py").write_text(HELLO_APP)
        real_samples, base_samples = measure_interleaved(ROOT, baseline, args.runs, env)
    imports = top_imports(ROOT, env)
    package = None if args.skip_package else measure_package()
    report = render(args.runs, Stats.of(real_samples), Stats.of(base_samples), imports, package)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
