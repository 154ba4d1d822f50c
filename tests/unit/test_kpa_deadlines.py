"""KPA due dates: art. 57 §1 (days), §3 (months) and §5 (weekends and public holidays)."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.deadlines import DEADLINE_LABEL, due_date, extend, is_working_day, next_working_day

K = DeadlineKind


def test_seven_days_do_not_count_the_starting_day() -> None:
    # Given a certificate request received on Monday 2026-11-02
    # When the 7-day deadline is computed
    due = due_date(K.SIEDEM_DNI, date(2026, 11, 2))
    # Then it ends on Monday 2026-11-09
    assert due == date(2026, 11, 9)


def test_seven_days_ending_on_saturday_move_to_monday() -> None:
    # Given a request received on Saturday 2026-03-14 (7 days later is Saturday 03-21)
    # When the deadline is computed
    due = due_date(K.SIEDEM_DNI, date(2026, 3, 14))
    # Then it moves past Saturday and Sunday to Monday 2026-03-23
    assert due == date(2026, 3, 23)


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        (date(2026, 10, 25), date(2026, 11, 2)),  # 11-01: Sunday and All Saints' Day
        (date(2026, 11, 4), date(2026, 11, 12)),  # 11-11: Independence Day (Wednesday)
        (date(2026, 3, 30), date(2026, 4, 7)),  # 04-06: Easter Monday
    ],
)
def test_seven_days_ending_on_a_holiday_move_to_the_next_working_day(started: date, expected: date) -> None:
    # Given a 7-day deadline whose last day is a public holiday
    # When it is computed
    due = due_date(K.SIEDEM_DNI, started)
    # Then it ends on the next day that is neither a holiday nor a Saturday
    assert due == expected


def test_christmas_eve_and_christmas_push_the_end_to_the_monday_after() -> None:
    # Given 7 days ending on Thursday 2026-12-24 (a holiday since 2025), then 25 (Fri), 26 (Sat), 27 (Sun)
    # When the deadline is computed
    due = due_date(K.SIEDEM_DNI, date(2026, 12, 17))
    # Then it ends on Monday 2026-12-28
    assert due == date(2026, 12, 28)


def test_christmas_eve_before_2025_was_a_working_day() -> None:
    # Given 7 days ending on Tuesday 2024-12-24, before Christmas Eve became a day off
    # When the deadline is computed
    due = due_date(K.SIEDEM_DNI, date(2024, 12, 17))
    # Then it is not moved
    assert due == date(2024, 12, 24)


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        (date(2026, 12, 28), date(2027, 1, 4)),  # Monday 2027-01-04 is a working day
        (date(2026, 12, 25), date(2027, 1, 4)),  # New Year (Fri), then Saturday and Sunday
        (date(2026, 12, 30), date(2027, 1, 7)),  # 2027-01-06: Epiphany (Wednesday)
    ],
)
def test_seven_days_across_the_new_year(started: date, expected: date) -> None:
    # Given a 7-day deadline that crosses into 2027
    # When it is computed
    due = due_date(K.SIEDEM_DNI, started)
    # Then the holidays of the new year are taken into account
    assert due == expected


def test_one_month_ends_on_the_day_with_the_same_number() -> None:
    # Given a case started on Tuesday 2026-03-10
    # When the 1-month deadline is computed
    due = due_date(K.JEDEN_MIESIAC, date(2026, 3, 10))
    # Then it ends on Friday 2026-04-10
    assert due == date(2026, 4, 10)


def test_one_month_from_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    # Given a case started on 2025-01-31 (February 2025 has 28 days; the 28th is a Friday)
    # When the 1-month deadline is computed
    due = due_date(K.JEDEN_MIESIAC, date(2025, 1, 31))
    # Then it ends on 2025-02-28
    assert due == date(2025, 2, 28)


def test_month_end_fallback_then_weekend_shift() -> None:
    # Given a case started on 2026-01-31: §3 gives 2026-02-28, a Saturday
    # When the 1-month deadline is computed
    due = due_date(K.JEDEN_MIESIAC, date(2026, 1, 31))
    # Then §5 moves it to Monday 2026-03-02
    assert due == date(2026, 3, 2)


def test_one_month_in_a_leap_year_ends_on_29_february() -> None:
    # Given a case started on 2028-01-31 (2028 is a leap year; 02-29 is a Tuesday)
    # When the 1-month deadline is computed
    due = due_date(K.JEDEN_MIESIAC, date(2028, 1, 31))
    # Then it ends on 2028-02-29
    assert due == date(2028, 2, 29)


def test_two_months_for_a_complicated_case() -> None:
    # Given a complicated case started on Monday 2026-02-16
    # When the 2-month deadline is computed
    due = due_date(K.DWA_MIESIACE, date(2026, 2, 16))
    # Then it ends on Thursday 2026-04-16
    assert due == date(2026, 4, 16)


def test_two_months_across_the_year_from_the_31st() -> None:
    # Given a complicated case started on 2026-12-31: §3 gives 2027-02-28, a Sunday
    # When the 2-month deadline is computed
    due = due_date(K.DWA_MIESIACE, date(2026, 12, 31))
    # Then it ends on Monday 2027-03-01
    assert due == date(2027, 3, 1)


@pytest.mark.parametrize(
    ("kind", "started", "expected"),
    [
        # 05-01 (Fri) holiday, 05-02 Saturday, 05-03 (Sun) holiday
        (K.JEDEN_MIESIAC, date(2026, 4, 1), date(2026, 5, 4)),
        (K.JEDEN_MIESIAC, date(2026, 5, 4), date(2026, 6, 5)),  # 06-04: Corpus Christi
        (K.DWA_MIESIACE, date(2026, 6, 15), date(2026, 8, 17)),  # 08-15: Saturday and Assumption Day
        (K.DWA_MIESIACE, date(2026, 3, 10), date(2026, 5, 11)),  # 05-10: Sunday
    ],
)
def test_month_deadline_landing_on_a_day_off(kind: DeadlineKind, started: date, expected: date) -> None:
    # Given a month deadline whose end falls on a holiday or a weekend
    # When it is computed
    due = due_date(kind, started)
    # Then it moves to the next working day, over any run of days off
    assert due == expected


def test_without_delay_has_no_calendar_date() -> None:
    # Given a matter to be settled without delay (art. 35 §2)
    # When its due date is asked for
    due = due_date(K.NIEZWLOCZNIE, date(2026, 11, 2))
    # Then there is none
    assert due is None


def test_paused_days_are_added_before_the_weekend_shift() -> None:
    # Given 7 days from Saturday 2026-03-14 (raw end Saturday 03-21) and the clock stopped for 2 days
    # When the due date is computed with the pause
    due = due_date(K.SIEDEM_DNI, date(2026, 3, 14), paused_days=2)
    # Then the pause counts from the raw end: Monday 03-23, a working day
    assert due == date(2026, 3, 23)
    # (extending the already moved end would count the pause from Monday and give Wednesday 03-25)
    assert extend(date(2026, 3, 23), 2) == date(2026, 3, 25)
    assert due_date(K.NIEZWLOCZNIE, date(2026, 3, 14), paused_days=2) is None


def test_extend_pushes_by_calendar_days_and_reapplies_the_holiday_rule() -> None:
    # Given a due date of Monday 2026-11-09
    due = date(2026, 11, 9)
    # When the clock was stopped for 2 days (landing on Independence Day) or 4 days (an ordinary Friday)
    # Then the first moves to Thursday 11-12 and the second stays on Friday 11-13
    assert extend(due, 2) == date(2026, 11, 12)
    assert extend(due, 4) == date(2026, 11, 13)
    # And a pause of 0 days leaves a working day unchanged
    assert extend(due, 0) == due


def test_extend_over_christmas() -> None:
    # Given a due date of Friday 2026-12-18 and a pause of 6 days (to 12-24)
    # When extended
    # Then Christmas Eve, Christmas and the weekend push it to Monday 12-28
    assert extend(date(2026, 12, 18), 6) == date(2026, 12, 28)


def test_negative_pause_is_refused() -> None:
    # Given a negative number of paused days
    # When extending or computing a due date
    # Then it is refused
    with pytest.raises(ValueError, match="paused_days"):
        extend(date(2026, 11, 9), -1)
    with pytest.raises(ValueError, match="paused_days"):
        due_date(K.SIEDEM_DNI, date(2026, 11, 2), paused_days=-1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 10), True),  # ordinary Tuesday
        (date(2026, 11, 7), False),  # Saturday
        (date(2026, 11, 8), False),  # Sunday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 12, 24), False),  # Christmas Eve (since 2025)
        (date(2024, 12, 24), True),  # Christmas Eve before 2025
        (date(2018, 11, 12), False),  # one-off day off: 100th anniversary of independence
        (date(2026, 6, 4), False),  # Corpus Christi
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    # Given a day  When asked whether it is a working day  Then weekends and holidays are not
    assert is_working_day(day) is working


def test_next_working_day_returns_a_working_day_itself() -> None:
    # Given a working day and a holiday
    # When the next working day is asked for
    # Then the working day is returned as is and the holiday moves forward
    assert next_working_day(date(2026, 11, 10)) == date(2026, 11, 10)
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)


def test_every_kind_has_a_polish_label() -> None:
    # Given all deadline kinds  When labelled  Then each has its Polish label
    assert DEADLINE_LABEL == {
        K.NIEZWLOCZNIE: "niezwłocznie",
        K.SIEDEM_DNI: "7 dni",
        K.JEDEN_MIESIAC: "1 miesiąc",
        K.DWA_MIESIACE: "2 miesiące",
    }
