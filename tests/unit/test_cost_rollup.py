"""Month roll-ups of the metering rows: summed per JST and service over days, modules and functions, up to the
last finished day, priced to exactly what the day rows price to (the metering write at each day row's size)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.modules.costs import model, prices
from chalicelib.modules.costs.model import MeteredRow, cost_lines, quantities, sum_by
from chalicelib.modules.costs.rollup import done_mark, finished, period, roll_up
from chalicelib.modules.costs.rollup_store import days_query

NOV = prices.price_list("2026-11")
WIDE = {f"aws:dynamodb:Operation{i:03d}": Decimal(1) for i in range(60)}  # a row of over 1 KB


def day_row(day: str, *, tenant: str = "1418043", service: str = "pismo-ogolne", module: str = "submissions",
            function: str = "eurzad-prod", **numbers: Any) -> dict[str, Any]:
    return {"pk": f"T#{tenant}", "sk": f"D#{day}#M#{module}#S#{service}#F#{function}", "tenant": tenant,
            "day": day, "module": module, "service": service, "function": function, "memory_mb": Decimal(512),
            **numbers}


ROWS = [
    day_row("2026-11-01", invocations=Decimal(3), api_requests=Decimal(3), gb_seconds=Decimal("0.75"),
            write_units=Decimal("2.5"), metering_writes=Decimal(3), **{"aws:s3:PutObject": Decimal(2)}),
    day_row("2026-11-01", module="cases", function="eurzad-worker", invocations=Decimal(1),
            gb_seconds=Decimal("0.125"), read_units=Decimal("0.5"), metering_writes=Decimal(1),
            **{"aws:sqs:SendMessage": Decimal(1)}),
    day_row("2026-11-02", invocations=Decimal(2), metering_writes=Decimal(2), write_units=Decimal(1), **WIDE),
    day_row("2026-11-02", tenant="region", service="-", module="catalogue", invocations=Decimal(5),
            metering_writes=Decimal(5), **{"aws:dynamodb:Query": Decimal(5)}),
    day_row("2026-11-02", module="storage", service="-", function="storage-meter",
            **{"storage_gb_days:s3": Decimal("1.5"), "storage_gb_days:dynamodb": Decimal("0.25")}),
    day_row("2026-11-03", invocations=Decimal(7), metering_writes=Decimal(7)),  # after the day rolled up
    day_row("2026-10-31", invocations=Decimal(9), metering_writes=Decimal(9)),  # another month
]


def priced(items: list[Mapping[str, Any]]) -> dict[str, Decimal]:
    return sum_by(cost_lines([MeteredRow.from_item(i) for i in items], NOV), "tenant")


def test_a_jsts_service_is_one_item_summing_its_days_modules_and_functions() -> None:
    items = roll_up(ROWS, month="2026-11", through="2026-11-02")
    assert [(i["pk"], i["sk"]) for i in items] == [("R#2026-11", "1418043#-"), ("R#2026-11", "1418043#pismo-ogolne"),
                                                   ("R#2026-11", "region#-")]
    service = items[1]
    assert service["invocations"] == 3 + 1 + 2 and service["metering_writes"] == 6
    assert service["gb_seconds"] == Decimal("0.875") and service["write_units"] == Decimal("3.5")
    assert service["aws:s3:PutObject"] == 2 and service["aws:sqs:SendMessage"] == 1
    assert (service["module"], service["function"], service["day"], service["through"]) == ("-", "-", "2026-11-02",
                                                                                            "2026-11-02")
    assert "memory_mb" not in service  # a setting, not usage
    assert items[0]["storage_gb_days:s3"] == Decimal("1.5")


def test_the_rollup_prices_to_exactly_what_its_day_rows_price_to() -> None:
    finished = [r for r in ROWS if "2026-11-01" <= r["day"] <= "2026-11-02"]
    items = roll_up(ROWS, month="2026-11", through="2026-11-02")
    assert priced(items) == priced(finished)
    # the metering writes are priced at each day row's size (the wide row's 2 WRU each), not the item's own size
    wide = MeteredRow.from_item(finished[2])
    assert wide.item_bytes > 1024
    assert items[1][model.METERING_WRU] == 3 + 1 + 2 * 2
    assert quantities(MeteredRow.from_item(items[1]))["dynamodb.write"] == Decimal("3.5") + 3 + 1 + 2 * 2


def test_only_the_month_up_to_the_through_day_is_summed() -> None:
    items = roll_up(ROWS, month="2026-11", through="2026-11-03")
    assert items[1]["invocations"] == 3 + 1 + 2 + 7
    october = roll_up(ROWS, month="2026-10", through="2026-10-31")
    assert [(i["sk"], i["invocations"], i["through"]) for i in october] == [("1418043#pismo-ogolne", 9,
                                                                              "2026-10-31")]
    assert {i["through"] for i in items} == {"2026-11-03"}


def test_the_report_reads_only_what_a_finished_run_vouches_for() -> None:
    before, after = roll_up(ROWS, month="2026-11", through="2026-11-02"), roll_up(ROWS, month="2026-11",
                                                                                 through="2026-11-03")
    # no run finished yet (the first one died after one item): nothing to read
    assert finished(before[:1]) == ([], None)
    assert finished([*before, done_mark("2026-11", "2026-11-02")]) == (before, "2026-11-02")
    # the next night died after one item: a mix of two days, which no mark vouches for
    assert finished([after[0], *before[1:], done_mark("2026-11", "2026-11-02")]) == ([], None)
    # an item the last finished run did not write again (a JST gone from the region) is left out
    stale = {**before[0], "sk": "1418099#-", "tenant": "1418099"}
    assert finished([*after, stale, done_mark("2026-11", "2026-11-03")]) == (after, "2026-11-03")


def test_a_rerun_over_the_same_rows_gives_the_same_items() -> None:
    assert roll_up(ROWS, month="2026-11", through="2026-11-02") == roll_up(list(reversed(ROWS)), month="2026-11",
                                                                           through="2026-11-02")


def test_the_night_rolls_up_yesterday_and_on_the_first_closes_the_previous_month() -> None:
    assert period(date(2026, 11, 15)) == ("2026-11", "2026-11-14")
    assert period(date(2026, 12, 1)) == ("2026-11", "2026-11-30")
    assert period(date(2027, 1, 1)) == ("2026-12", "2026-12-31")
    assert period(date(2028, 3, 1)) == ("2028-02", "2028-02-29")


def test_the_days_query_takes_every_row_of_the_through_day_and_none_later() -> None:
    q = days_query("1418043", "2026-11", "2026-11-02")
    assert q["KeyConditionExpression"] == "pk = :pk AND sk BETWEEN :first AND :last"
    first, last = q["ExpressionAttributeValues"][":first"]["S"], q["ExpressionAttributeValues"][":last"]["S"]
    assert first <= "D#2026-11-01#M#a#S#-#F#f" and "D#2026-11-02#M#~~~#S#~#F#~" <= last < "D#2026-11-03#M#"
    assert first > "D#2026-10-31#M#a"
