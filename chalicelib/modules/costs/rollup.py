"""Month roll-ups of the metering table, so a region-wide report reads a few hundred items instead of every JST's
day rows. For one JST (or the region's own work) and catalogue service, one item of partition `R#<YYYY-MM>`, sort
key `<terc>#<service>`: every number of its day rows of the month summed over days, modules and functions, up to
and including the day `through`. Pricing is linear, so the sums price to the rows' exact total; the one
size-based price, the metering's own write (MeteredRow.item_bytes), is carried as `metering_wru`, computed per
day row here, because the roll-up item's own size says nothing about the rows' sizes.
Pure: the reads and writes are in `rollup_store.py`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

from chalicelib.modules.costs.model import METERING_WRU, item_size

PREFIX = "R#"
DONE = "#done"  # the sort key of a finished run's mark
TEXT = frozenset({"pk", "sk", "day", "tenant", "module", "service", "function", "through"})
NOT_SUMMED = frozenset({"memory_mb"})  # a setting, not usage (gb_seconds already holds it)
DYNAMO_DIGITS = 38  # DynamoDB keeps 38 significant digits: sums in that precision are stored as computed


def partition(month: str) -> str:
    return f"{PREFIX}{month}"


def period(today: date) -> tuple[str, str]:
    """The month and last day a nightly run rolls up: yesterday's (on the 1st it closes the previous month)."""
    yesterday = today - timedelta(days=1)
    return yesterday.strftime("%Y-%m"), yesterday.isoformat()


def metering_wru(item: Mapping[str, Any]) -> Decimal:
    """The write units of a day row's metering writes: 1 WRU per started KB of the row, per write."""
    writes = Decimal(str(item.get("metering_writes", 0) or 0))
    return writes * -(-item_size(item) // 1024)


def roll_up(items: Iterable[Mapping[str, Any]], *, month: str, through: str) -> list[dict[str, Any]]:
    """The roll-up items of one partition's day rows (deserialized, numbers as Decimal), those of `month` up to
    `through` only; one per JST and service, sorted by key (a rerun over the same rows gives the same items)."""
    sums: dict[tuple[str, str], dict[str, Decimal]] = {}
    with localcontext() as ctx:
        ctx.prec = DYNAMO_DIGITS
        for item in items:
            day = str(item["day"])
            if not day.startswith(f"{month}-") or day > through:
                continue
            key = (str(item["tenant"]), str(item.get("service", "-")))
            summed = sums.setdefault(key, {})
            for name, value in item.items():
                if name in TEXT or name in NOT_SUMMED or isinstance(value, str | bool) or value is None:
                    continue
                summed[name] = summed.get(name, Decimal(0)) + Decimal(str(value))
            if METERING_WRU not in item:
                summed[METERING_WRU] = summed.get(METERING_WRU, Decimal(0)) + metering_wru(item)
    return [{"pk": partition(month), "sk": f"{tenant}#{service}", "tenant": tenant, "service": service,
             "module": "-", "function": "-", "day": through, "through": through, **numbers}
            for (tenant, service), numbers in sorted(sums.items())]


def done_mark(month: str, through: str) -> dict[str, Any]:
    """What a run writes after all its items: every JST's roll-up of `month` now covers up to `through`."""
    return {"pk": partition(month), "sk": DONE, "through": through}


def finished(items: Iterable[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], str | None]:
    """The items of the last finished run and the day they cover; ([], None) when no run finished, or the last
    one died half-way (items of a later day than the mark: some JSTs rolled up again, the others not). Items of an
    earlier day than the mark (a JST no longer in the region) are left out, as the live report leaves them."""
    found = list(items)
    mark = next((i for i in found if i["sk"] == DONE), None)
    rolled = [i for i in found if i["sk"] != DONE]
    if mark is None or any(str(i["through"]) > str(mark["through"]) for i in rolled):
        return [], None
    return [i for i in rolled if str(i["through"]) == str(mark["through"])], str(mark["through"])
