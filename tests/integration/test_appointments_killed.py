"""e-wizyta's workers killed between two steps, in the emulator: a booking whose Lambda died before its notice was
queued, or after it was queued but before its mark came off, mails the resident exactly once (the sweeper resends
the same event, the worker acts once per event); a notices' worker killed before SES is run again after its
Lambda's timeout; a reminder run killed after taking the reminder and before SES leaves it to a run after the
lease, which sends it once.

Not promised: a worker killed after SES took the mail and before its done-mark (the idempotency record, the
reminder's mark) is run again and mails a second time: at least once, never lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest

from chalicelib.core.clock import WARSAW, FixedClock, SystemClock, set_clock
from chalicelib.db.tables import IdempotencyTable
from chalicelib.integrations import clients
from chalicelib.modules.appointments.repository import DynamoAppointments
from tests import queues
from tests.emulator import emails_about
from tests.integration.test_appointments import body, book, enable, resident, run_reminders

MONDAY = datetime(2027, 3, 15, 7, 0, tzinfo=WARSAW)  # a week no other test books into
pytestmark = pytest.mark.usefixtures("restore_region")
NOTICES = ("appointment-notices", "appointment_notices")


@pytest.fixture(autouse=True)
def monday() -> Iterator[FixedClock]:
    clock = FixedClock(MONDAY)
    set_clock(clock)
    queues.purge("appointment-notices")
    yield clock
    set_clock(SystemClock())


class Killed:
    """The Lambda dies (timeout) at this call: nothing after it runs."""

    def publish(self, key: str, message: Any) -> str:
        raise SystemExit("Task timed out after 30.00 seconds")

    def send(self, mail: Any) -> str:
        raise SystemExit("Task timed out after 30.00 seconds")


def run_sweeper(api: Any) -> Any:
    return api.lambda_.invoke("appointment_notices_sweeper", api.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))


def confirmations(booking_id: str) -> list[dict[str, Any]]:
    return [m for m in emails_about(booking_id) if "Potwierdzenie" in m["Subject"]]


def test_a_booking_killed_before_its_notice_was_queued_is_mailed_once_by_the_sweeper(
        api: Any, monday: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = enable(api)
    # Given a booking whose Lambda died after the booking was written, before its notice reached the queue
    with monkeypatch.context() as patched:
        patched.setattr(clients, "publisher", Killed)
        with pytest.raises(SystemExit):
            book(api, resident(), counter, "2027-03-17T09:00", key="zabita-rezerwacja", email="ewa@example.pl")
    mine = DynamoAppointments().of_day("1418043", "2027-03-17")
    assert [b.status for b in mine] == ["zarezerwowana"] and queues.count("appointment-notices") == 0
    booking_id = mine[0].booking_id
    # When the sweeper runs a few minutes later, and again later still
    monday.advance(minutes=3)
    run_sweeper(api)
    queues.deliver(api, *NOTICES)
    monday.advance(minutes=30)
    run_sweeper(api)
    queues.deliver(api, *NOTICES)
    # Then the resident got the confirmation exactly once
    assert len(confirmations(booking_id)) == 1


def test_a_booking_killed_after_queueing_before_its_mark_came_off_is_mailed_once(
        api: Any, monday: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = enable(api)
    # Given a booking whose notice reached the queue, and its Lambda died before taking the mark off
    with monkeypatch.context() as patched:
        patched.setattr(DynamoAppointments, "delivered", Killed.send)
        with pytest.raises(SystemExit):
            book(api, resident(), counter, "2027-03-17T10:00", key="zabita-po-kolejce", email="ewa@example.pl")
    booking_id = next(b.booking_id for b in DynamoAppointments().of_day("1418043", "2027-03-17")
                      if b.start.astimezone(WARSAW).hour == 10)
    assert queues.count("appointment-notices") == 1
    queues.deliver(api, *NOTICES)
    assert len(confirmations(booking_id)) == 1
    # When the sweeper, seeing the mark, sends the same notice again
    monday.advance(minutes=3)
    run_sweeper(api)
    assert queues.count("appointment-notices") == 1
    queues.deliver(api, *NOTICES)
    monday.advance(minutes=30)
    run_sweeper(api)
    # Then the worker knew that event: still one mail, and nothing more to send
    assert queues.count("appointment-notices") == 0
    assert len(confirmations(booking_id)) == 1


def killed_delivery(api: Any, key: str, function: str) -> list[str]:
    """One delivery of the queue's messages to a function whose Lambda dies: SQS gets no answer, so they come
    back after the visibility timeout (here at once); their bodies."""
    sqs = boto3.client("sqs")
    url = queues.url(key)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                          "attributes": {}, "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                          "eventSource": "aws:sqs", "eventSourceARN": f"arn:aws:sqs:eu-central-1:000000000000:{key}",
                          "awsRegion": "eu-central-1"} for m in got]}
    with pytest.raises(SystemExit):
        api.lambda_.invoke(function, event)
    for m in got:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    return [m["Body"] for m in got]


def lambda_timeout_passed() -> None:
    """The killed Lambda's time is up: its in-progress claim of the event (Powertools idempotency) has expired."""
    dynamodb = boto3.client("dynamodb")
    table = IdempotencyTable.Meta.table_name
    for page in dynamodb.get_paginator("scan").paginate(
            TableName=table, FilterExpression="#s = :p", ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":p": {"S": "INPROGRESS"}}):
        for item in page["Items"]:
            dynamodb.update_item(TableName=table, Key={"id": item["id"]},
                                 UpdateExpression="SET in_progress_expiration = :past",
                                 ExpressionAttributeValues={":past": {"N": str(int(time.time() * 1000) - 1)}})


def test_a_notices_worker_killed_before_sending_mails_it_once_after_its_timeout(
        api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = enable(api)
    booking_id = body(book(api, resident(), counter, "2027-03-17T11:00", email="ewa@example.pl"))["booking_id"]
    # Given the worker's Lambda killed after it claimed the event, before SES took the mail
    with monkeypatch.context() as patched:
        patched.setattr(clients, "mailer", Killed)
        [notice] = killed_delivery(api, *NOTICES)
    assert confirmations(booking_id) == []
    # When SQS delivers it again after the Lambda's timeout, and once more later (at least once)
    lambda_timeout_passed()
    queues.deliver(api, *NOTICES)
    queues.send("appointment-notices", notice)
    queues.deliver(api, *NOTICES)
    # Then the resident got it once
    assert len(confirmations(booking_id)) == 1


def reminders(booking_id: str) -> list[dict[str, Any]]:
    return [m for m in emails_about(booking_id) if "Przypomnienie" in m["Subject"]]


def test_a_reminder_run_killed_before_sending_leaves_it_to_a_run_after_the_lease(
        api: Any, monday: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = enable(api)
    # the only visit of its day (a run takes every booking due that day; another's would be the one killed)
    booking_id = body(book(api, resident(), counter, "2027-03-19T08:30", email="ewa@example.pl"))["booking_id"]
    monday.advance(days=3, hours=3)  # Thursday 10:00, the day before
    # Given the reminders' run killed after it took the reminder, before SES took the mail
    with monkeypatch.context() as patched:
        patched.setattr(clients, "mailer", Killed)
        with pytest.raises(SystemExit):
            run_reminders(api)
    # When the next runs come: one within the lease, then one after it, then another
    monday.advance(minutes=5)
    run_reminders(api)
    assert reminders(booking_id) == []
    monday.advance(minutes=10)
    run_reminders(api)
    monday.advance(minutes=15)
    run_reminders(api)
    # Then the resident got the reminder exactly once
    found = reminders(booking_id)
    assert len(found) == 1 and "19.03.2027, godz. 08:30" in found[0]["BodyText"]

