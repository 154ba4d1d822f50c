"""The costs API's rules: what a caller may see (a JST's finance only its own JST), the query's parameters, which
metering partitions a report reads (one Query per JST, a few at a time, never a Scan), and the metered rows
behind a figure. Pure: the reader is a port; no Chalice, no boto3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from itertools import chain
from typing import Any, Protocol, TypeVar

from chalicelib.core.errors import Forbidden, Unprocessable
from chalicelib.modules.costs.model import CostLine
from chalicelib.modules.costs.report import GROUPINGS, PRECISION, REGION, exact
from chalicelib.modules.costs.rounding import apportion, grosze_half_up, zloty
from chalicelib.modules.costs.settings import MONTH_RE, Allocation, CostSettings

READERS = 4  # Queries at once for a region-wide report (each a JST's partition); bench/costs.md measures it
ROWS_SHOWN = 500  # a drill-down lists at most this many rows (its totals cover them all)
T = TypeVar("T")


class Metered(Protocol):
    """The core's `model.MeteredRow` (what the drill-down shows)."""

    @property
    def key(self) -> str: ...
    @property
    def tenant(self) -> str: ...
    @property
    def day(self) -> str: ...
    @property
    def module(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def function(self) -> str: ...
    @property
    def invocations(self) -> Decimal: ...
    @property
    def errors(self) -> Decimal: ...
    @property
    def requests(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class Query:
    month: str
    tenant: str | None
    group_by: str
    csv: bool


def _invalid(field: str, code: str, message: str) -> Unprocessable:
    return Unprocessable(details=[{"field": field, "code": code, "message": message}])


def parse_month(text: str | None, *, today: date) -> str:
    """The month asked for (RRRR-MM), this Warsaw month when left out; 422 at `month` otherwise."""
    if text is None:
        return today.strftime("%Y-%m")
    if not MONTH_RE.fullmatch(text):
        raise _invalid("month", "month_invalid", "Podaj miesiąc w postaci RRRR-MM, np. 2026-11.")
    return text


def parse_query(params: Mapping[str, str], *, accept: str, today: date) -> Query:
    group_by = params.get("group_by") or "tenant"
    if group_by not in GROUPINGS:
        raise _invalid("group_by", "group_by_invalid", "Grupowanie: tenant (JST), service (usługa) albo "
                                                       "resource (zasób AWS).")
    fmt = params.get("format")
    if fmt not in (None, "json", "csv"):
        raise _invalid("format", "format_invalid", "Dozwolone formaty: json, csv.")
    wants_csv = fmt == "csv" or (fmt is None and "text/csv" in accept.lower())
    tenant = params.get("tenant") or None
    return Query(month=parse_month(params.get("month"), today=today), tenant=tenant, group_by=group_by,
                 csv=wants_csv)


def scope(asked: str | None, *, own: str | None) -> str | None:
    """The JST a finance officer's report covers: the region's officer (no TERC in the token) any or all; a JST's
    officer only their own (left out: their own; another: 403)."""
    if own is None:
        return asked
    if asked not in (None, own):
        raise Forbidden("Brak uprawnień do kosztów innej jednostki samorządu.", code="tenant_forbidden")
    return own


def partitions(tenant: str | None, tercs: Iterable[str], settings: CostSettings) -> list[str]:
    """The metering partitions the report needs: the region's own (its work is a shared cost), the JST's, and
    every JST's when the report is region-wide or the shared costs are split by usage."""
    if tenant is None or settings.allocation is Allocation.USAGE:
        return [*sorted(set(tercs) | ({tenant} if tenant else set())), REGION]
    return [tenant, REGION]


def read_all(read: Callable[[str], list[T]], keys: Sequence[str], *, workers: int = READERS) -> list[T]:
    """`read(key)` for every key, a few at once (each is one paged Query), in the order of the keys."""
    if len(keys) <= 1:
        return list(chain.from_iterable(read(k) for k in keys))
    with ThreadPoolExecutor(max_workers=min(workers, len(keys))) as pool:
        return list(chain.from_iterable(pool.map(read, keys)))


def drill_down(rows: Iterable[Metered], lines: Iterable[CostLine], *, rate: Decimal, service: str | None,
               resource: str | None, limit: int = ROWS_SHOWN) -> dict[str, Any]:
    """The metered rows behind a figure, each with its priced lines; their exact sum is the figure's."""
    by_row: dict[str, list[CostLine]] = {}
    for line in lines:
        if resource is None or line.resource == resource:
            by_row.setdefault(line.row, []).append(line)
    chosen = [r for r in rows if (service is None or r.service == service) and
              (resource is None or r.key in by_row)]
    with localcontext() as ctx:
        ctx.prec = PRECISION
        usd = [sum((li.usd for li in by_row.get(r.key, [])), Decimal(0)) for r in chosen]
        pln = [u * rate for u in usd]
        total = sum(pln, Decimal(0))
        shown = apportion(pln, grosze_half_up(total))
        listed = [_row_view(r, by_row.get(r.key, []), u, p, g) for r, u, p, g in zip(chosen, usd, pln, shown,
                                                                                     strict=True)]
        listed.sort(key=lambda v: (v["day"], v["key"]))
        return {"rows": listed[:limit], "truncated": len(listed) > limit, "count": len(listed),
                "total": {"usd": exact(sum(usd, Decimal(0))), "pln_exact": exact(total), "pln": zloty(sum(shown)),
                          "invocations": sum(int(r.invocations) for r in chosen),
                          "aws_requests": sum(sum(r.requests.values()) for r in chosen)}}


def _row_view(row: Metered, lines: list[CostLine], usd: Decimal, pln: Decimal, grosze: int) -> dict[str, Any]:
    return {
        "key": row.key, "tenant": row.tenant, "day": row.day, "module": row.module, "service": row.service,
        "function": row.function, "invocations": int(row.invocations), "errors": int(row.errors),
        "aws_requests": sum(row.requests.values()), "requests": dict(sorted(row.requests.items())),
        "lines": [{"resource": li.resource, "quantity": exact(li.quantity), "usd": exact(li.usd)}
                  for li in sorted(lines, key=lambda li: li.resource)],
        "usd": exact(usd), "pln_exact": exact(pln), "pln": zloty(grosze),
    }
