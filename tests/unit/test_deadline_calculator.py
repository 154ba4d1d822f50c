"""The deadline calculator: the CLI prints the due date, names the articles it applied, and bad input is
refused naming each option."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib import cli
from chalicelib.modules.cases.calculator import calculate


@pytest.mark.parametrize(("argv", "printed"), [
    (["--kind", "7d", "--from", "2026-12-17"], "2026-12-28"),  # 24.12 (from 2025), 25-26.12, then the weekend
    (["--kind", "1m", "--from", "2024-01-31"], "2024-02-29"),  # leap year: the month's last day (art. 57 § 3)
    (["--kind", "1m", "--from", "2026-03-02", "--paused", "4"], "2026-04-07"),  # 04-06 is Easter Monday
    (["--kind", "2m", "--from", "2026-06-13"], "2026-08-13"),
])
def test_the_cli_prints_the_due_date(argv: list[str], printed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["deadline", *argv]) == 0
    assert capsys.readouterr().out.strip() == printed


def test_the_cli_refuses_bad_input_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["deadline", "--kind", "3m", "--from", "2026-02-30", "--paused", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--kind" in err and "--from" in err and "--paused" in err


def test_the_articles_applied_are_named_in_order() -> None:
    # 7 days from Wednesday 2026-03-25 plus 3 paused: 04-04 is Saturday, 04-05/06 Easter -> Tuesday 04-07
    answer = calculate("7d", date(2026, 3, 25), 3)
    assert (answer["end"], answer["due_date"]) == ("2026-04-04", "2026-04-07")
    assert [a["article"] for a in answer["articles"]] == [
        "art. 217 § 3 KPA", "art. 57 § 1 KPA", "art. 35 § 5 KPA", "art. 57 § 4 KPA"]



@pytest.mark.parametrize("started", ["9999-12-31", "0001-01-01", "2026-02-30", "2026-1-01"])
def test_a_start_off_the_calendar_is_refused_not_a_crash(started: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["deadline", "--kind", "2m", "--from", started, "--paused", "3650"]) == 2
    assert "--from" in capsys.readouterr().err


# Hand-computed: month ends, leap years, Easter, Corpus Christi, 15.08, 24.12 from 2025, Saturdays, pauses.
TABLE = [
    ("1m", "2024-01-31", 0, "2024-02-29", False),  # leap year: no 31.02, the month's last day (Thursday)
    ("1m", "2025-01-31", 0, "2025-02-28", False),  # not a leap year: Friday the 28th
    ("1m", "2026-01-31", 0, "2026-03-02", True),  # 28.02 is a Saturday, then Sunday
    ("2m", "2025-12-31", 0, "2026-03-02", True),  # over the year's end to 28.02 (Saturday)
    ("2m", "2027-12-31", 7, "2028-03-07", False),  # leap 29.02.2028 + 7 days paused: Tuesday
    ("1m", "2024-03-01", 0, "2024-04-02", True),  # 01.04.2024 is Easter Monday
    ("1m", "2026-03-02", 4, "2026-04-07", True),  # 02.04 + 4 paused = Easter Monday 06.04
    ("7d", "2025-12-17", 0, "2025-12-29", True),  # 24.12.2025 a day off (from 2025), 25-26.12, weekend
    ("7d", "2024-12-17", 0, "2024-12-24", False),  # 24.12.2024 still a working day
    ("7d", "2026-05-28", 0, "2026-06-05", True),  # 04.06.2026 Corpus Christi
    ("7d", "2026-12-30", 0, "2027-01-07", True),  # 06.01 Epiphany
    ("1m", "2026-07-15", 0, "2026-08-17", True),  # 15.08 Saturday and a holiday
    ("1m", "2026-04-15", 16, "2026-06-01", True),  # 15.05 + 16 paused = Sunday 31.05
    ("1m", "2026-10-31", 1, "2026-12-01", False),  # 30.11 (no 31st) + 1 paused
    ("2m", "2026-06-13", 30, "2026-09-14", True),  # 13.08 + 30 paused = Saturday 12.09
]


@pytest.mark.parametrize(("kind", "started", "paused", "due", "moved"), TABLE,
                         ids=[f"{k}-{s}-p{p}" for k, s, p, _, _ in TABLE])
def test_the_hand_computed_table(kind: str, started: str, paused: int, due: str, moved: bool) -> None:
    answer = calculate(kind, date.fromisoformat(started), paused)
    assert answer["due_date"] == due
    assert ("art. 57 § 4 KPA" in [a["article"] for a in answer["articles"]]) is moved
    assert ("art. 35 § 5 KPA" in [a["article"] for a in answer["articles"]]) is bool(paused)
