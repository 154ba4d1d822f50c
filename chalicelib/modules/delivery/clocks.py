"""The delivery's clocks under today's law: deemed delivery, the courtesy reminder, the appeal term, finality.

Pure date arithmetic on the Warsaw calendar day (the legal day), no Chalice, no boto3.
- Not collected: deemed delivered on the day after 14 days from the day it arrived in the box (arrival D ->
  D+15, ustawa o doręczeniach elektronicznych art. 41-42), from 00:00 Warsaw that day, never earlier.
- A courtesy e-mail on day 7 (D+7): not a legal step (the ePUAP second notice is repealed).
- A decision's appeal term: 14 days from its delivery (art. 129 § 2 KPA), counted without the day of delivery
  (art. 57 § 1), a last day on a Saturday or a day off moved to the next working day (art. 57 § 4); the day
  after it, with no appeal recorded, the decision is final (ostateczna).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from chalicelib.core.clock import WARSAW

DEEMED_AFTER_DAYS = 14
REMINDER_DAY = 7
APPEAL_DAYS = 14

WorkingDay = Callable[[date], date]  # the day itself if a working day, else the next one (art. 57 § 4)


def legal_day(at: datetime) -> date:
    return at.astimezone(WARSAW).date()


def start_of(day: date) -> datetime:
    """00:00 Warsaw of `day` (an aware datetime)."""
    return datetime.combine(day, time(0, 0), tzinfo=WARSAW)


def deemed_day(arrived_at: datetime) -> date:
    """D+15: the day after 14 days from arrival."""
    return legal_day(arrived_at) + timedelta(days=DEEMED_AFTER_DAYS + 1)


def deemed_at(arrived_at: datetime) -> datetime:
    return start_of(deemed_day(arrived_at))


def reminder_at(arrived_at: datetime) -> datetime:
    """08:00 Warsaw on day 7 after arrival: the courtesy reminder's time."""
    return datetime.combine(legal_day(arrived_at) + timedelta(days=REMINDER_DAY), time(8, 0), tzinfo=WARSAW)


def delivered_day(arrived_at: datetime | None, delivered_at: datetime, *, deemed: bool) -> date:
    """The legal day of delivery; a deemed delivery never before D+15, whatever the box says."""
    day = legal_day(delivered_at)
    if deemed and arrived_at is not None:
        return max(day, deemed_day(arrived_at))
    return day


def appeal_until(delivered_on: date, working_day: WorkingDay) -> date:
    """The last day to appeal a decision delivered on `delivered_on`."""
    return working_day(delivered_on + timedelta(days=APPEAL_DAYS))


def final_on(appeal_last_day: date) -> date:
    """The day the decision is final when no appeal came: the day after the term's last day."""
    return appeal_last_day + timedelta(days=1)
