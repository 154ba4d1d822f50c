"""`archive due --tenant TERC`: closed cases due for disposal (B) or for the state archive's expert review (BE);
`archive dispose --tenant TERC`: the retention job for one JST now; `archive reindex --tenant TERC`: closed cases
written before the archive index, put on it; `archive export --tenant TERC --year YYYY
--out DIR`: the category-A cases closed that year as a package for the state archive (README: the format)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.core.clock import WARSAW, get_clock


def due(terc: str) -> int:
    """Print the JST's closed cases due today or before: to dispose of (B), to review (BE). Exit 0."""
    from chalicelib.modules.cases.retention import due_listing
    from chalicelib.modules.cases.wiring import retention_stores

    today = get_clock().now().astimezone(WARSAW).date()
    store, _ = retention_stores()
    listing = due_listing(store.archive_due(terc, upto=today), today)
    for title, key in (("do brakowania (kategoria B)", "dispose"), ("do ekspertyzy archiwum państwowego (BE)",
                                                                      "review")):
        print(f"{terc}: {title}: {len(listing[key])}")
        for case in listing[key]:
            print(f"  {case['case_sign']}  {case['archival_category']}  zamknięta {case['closed_on']}  "
                  f"od {case['archive_date']}")
    return 0


def dispose(terc: str) -> int:
    """Run the retention job for one JST now (as the daily schedule does)."""
    from chalicelib.modules.cases.retention import sweep
    from chalicelib.modules.cases.wiring import retention_stores

    result = sweep(*retention_stores(), terc=terc, now=get_clock().now())
    print(json.dumps({"terc": terc, "disposed": result.disposed, "review": result.review,
                      "versions_removed": result.versions_removed, "skipped": result.skipped}, ensure_ascii=False))
    return 0


def export(terc: str, year: int, out: Path) -> int:
    """Write the package of the JST's category-A cases closed in `year` under `out`; 1 if `out` is not empty."""
    from chalicelib.modules.cases import retention
    from chalicelib.modules.cases.wiring import retention_stores

    if out.exists() and any(out.iterdir()):
        print(f"błąd: katalog {out} nie jest pusty", file=sys.stderr)
        return 1
    store, documents = retention_stores()

    def cases() -> Any:
        for listed in store.closed_a(terc, year):
            stored = store.find(terc, listed["case_id"])
            if stored is None:
                continue
            record, life = stored.record, stored.life
            files = retention.case_files(record, life, lambda sid: documents.submission_files(terc, sid))
            yield record, life, [{**f, "body": documents.read(f["key"], f.get("version_id"))} for f in files]

    def write(path: str, body: bytes) -> None:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)

    manifest = retention.package(cases(), terc=terc, year=year, made_at=get_clock().now(), write=write)
    folders = {f["path"].split("/", 1)[0] for f in manifest["files"]}
    print(f"{terc}: paczka {out}: spraw kategorii A zamkniętych w {year}: {len(folders)}, "
          f"plików: {len(manifest['files'])}")
    return 0


def reindex(terc: str) -> int:
    """Put the JST's cases closed before the archive index existed on it (its departments' inboxes, queried)."""
    from chalicelib.modules import tenants
    from chalicelib.modules.cases.wiring import retention_stores

    store, _ = retention_stores()
    put = store.reindex(terc, [d.symbol for d in tenants.config(terc).departments])
    print(f"{terc}: spraw zamkniętych dopisanych do indeksu archiwum: {put}")
    return 0


def add_commands(sub: Any) -> None:
    group = sub.add_parser("archive").add_subparsers(dest="action", required=True)
    listing = group.add_parser("due", help="closed cases due for disposal (B) or expert review (BE)")
    listing.add_argument("--tenant", required=True, help="the JST's TERC code")
    listing.set_defaults(run=lambda a: due(a.tenant))
    job = group.add_parser("dispose", help="run the retention job for one JST now")
    job.add_argument("--tenant", required=True, help="the JST's TERC code")
    job.set_defaults(run=lambda a: dispose(a.tenant))
    index = group.add_parser("reindex", help="put cases closed before the archive index existed on it")
    index.add_argument("--tenant", required=True, help="the JST's TERC code")
    index.set_defaults(run=lambda a: reindex(a.tenant))
    package = group.add_parser("export", help="category-A cases closed in a year, as a package for the state archive")
    package.add_argument("--tenant", required=True, help="the JST's TERC code")
    package.add_argument("--year", required=True, type=int)
    package.add_argument("--out", required=True, type=Path)
    package.set_defaults(run=lambda a: export(a.tenant, a.year, a.out))
