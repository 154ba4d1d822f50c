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
