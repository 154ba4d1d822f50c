"""e-wniosek through the deployed stack: upload to S3 with the presigned POST, the attachment check and the
registration run in the emulator's Lambda on their real SQS triggers (S3 notification, registrations queue).

For every catalogue service a resident gets a UPP that Debian's xmlsec1 accepts with the region's root, bound
by digest to the stored document; the clerk finds the case registered; a tampered byte breaks both.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from chalicelib.cli import load_definitions
from chalicelib.model.service import ServiceDefinition
from chalicelib.signatures import pki
from tests import signing
from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually
from tests.emulator import emails_about
from tests.files import make_pdf
from tests.formdata import PESEL, valid_data, with_value
from tests.uploads import post_file

A = "1418043"  # Piaseczno offers every catalogue service
UPO = "{http://crd.gov.pl/xml/schematy/UPO/2008/05/09/}"
RESIDENT = "e2e-resident-ewa"


def me(subject: str = RESIDENT) -> dict[str, str]:
    """Signed in through the national login as the applicant the form data names (Jan Kowalski)."""
    return auth("resident", subject=subject, pesel=PESEL, given_name="Jan", family_name="Kowalski")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as response:
        return bytes(response.read())


def released(stack: Stack, content: bytes, service: str) -> str:
    slot = stack.call("POST", f"/v1/tenants/{A}/services/{service}/attachments",
                      {"filename": "zalacznik.pdf", "content_type": "application/pdf", "size": len(content)}, me())
    assert slot.status == 201, slot.body
    assert post_file(slot.body["upload"], content, filename="zalacznik.pdf") == 204
    return str(slot.body["attachment_id"])


def wait_released(stack: Stack, ids: list[str]) -> None:
    def all_released() -> bool:
        """the attachment worker released every uploaded file"""
        states = [stack.call("GET", f"/v1/me/attachments/{i}", headers=me()).body["status"] for i in ids]
        assert "odrzucony" not in states, states
        return all(s == "przyjety" for s in states)

    eventually(all_released, timeout=120)


def prepared(stack: Stack, defn: ServiceDefinition) -> dict[str, Any]:
    uploaded: list[str] = []

    def attach(field: str) -> str:
        uploaded.append(released(stack, make_pdf(), defn.id))
        return uploaded[-1]

    data = valid_data(defn, attach)
    file_fields = [f.name for f in defn.form.fields if f.type.value == "file"]
    if not uploaded and file_fields:  # a service that takes files gets one (pismo-ogolne has only optional ones)
        file_field = file_fields[0]
        data = with_value(data, file_field, [attach(file_field)] if _repeatable(defn, file_field) else attach(
            file_field))
    wait_released(stack, uploaded)
    return with_value(data, "email", "ewa.nowak@example.pl") if _has(defn, "email") else data


def _has(defn: ServiceDefinition, name: str) -> bool:
    return any(f.name == name for f in defn.form.fields)


def _repeatable(defn: ServiceDefinition, name: str) -> bool:
    return next(f.repeatable for f in defn.form.fields if f.name == name)


def catalogue_services() -> list[ServiceDefinition]:
    """Each service of the catalogue, in its latest version."""
    latest: dict[str, ServiceDefinition] = {}
    for defn in load_definitions():
        if defn.id not in latest or defn.version > latest[defn.id].version:
            latest[defn.id] = defn
    return sorted(latest.values(), key=lambda d: d.id)


@pytest.mark.parametrize("defn", catalogue_services(), ids=lambda d: f"{d.id}-v{d.version}")
def test_each_service_gives_a_verifiable_upp_and_a_registered_case(
        stack: Stack, defn: ServiceDefinition, tmp_path: Path) -> None:
    root_pem = pki.load_demo(stack.pki_dir).root.cert_pem()
    data = prepared(stack, defn)

    reply = stack.call("POST", f"/v1/tenants/{A}/services/{defn.id}/submissions", {"data": data},
                       {**me(), "Idempotency-Key": f"e2e-{defn.id}"})

    assert reply.status == 201, reply.body
    assert reply.body["form_version"] == defn.version
    links = reply.body["links"]
    upp = fetch(stack.call("GET", links["upp"], headers=me()).body["url"])
    document = fetch(stack.call("GET", links["document"], headers=me()).body["url"])
    assert signing.xmlsec1_as_clerk(upp, root_pem, tmp_path).returncode == 0
    digest = etree.fromstring(upp).findtext(f".//{UPO}SkrotDokumentu") or ""
    assert base64.b64decode(digest) == hashlib.sha256(document).digest()
    # One changed byte in the UPP breaks its seal; one in the document breaks the digest the UPP holds
    assert signing.xmlsec1_as_clerk(upp.replace(b"Piaseczno", b"Piaseczn0", 1), root_pem, tmp_path).returncode != 0
    middle = len(document) // 2  # any form's document, whatever its fields hold
    tampered = document[:middle] + bytes([document[middle] ^ 0x01]) + document[middle + 1:]
    assert base64.b64decode(digest) != hashlib.sha256(tampered).digest()

    def registered() -> Any:
        """the registration worker gave the case its sign"""
        shown = stack.call("GET", links["self"], headers=me()).body
        return shown if shown["status"] == "zarejestrowana" else None

    shown = eventually(registered)
    assert re.fullmatch(rf"{shown['department']}\.\d+\.\d+\.20\d\d", shown["case_sign"]), shown
    inbox = stack.call("GET", f"/v1/tenants/{A}/inbox?department={shown['department']}&limit=100",
                       headers=auth("clerk", A)).body["items"]
    assert [c["case_sign"] for c in inbox if c["submission_id"] == reply.body["submission_id"]] == [
        shown["case_sign"]]
    # The same Idempotency-Key again: the same submission and receipt (now showing its registration)
    again = stack.call("POST", f"/v1/tenants/{A}/services/{defn.id}/submissions", {"data": data},
                       {**me(), "Idempotency-Key": f"e2e-{defn.id}"})
    assert again.status == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.body == {**reply.body, **{k: shown[k] for k in ("status", "case_sign", "department", "due_date",
                                                                 "registered_at")}}


def test_fifty_parallel_submissions_to_one_department_get_consecutive_signs(stack: Stack) -> None:
    defn = next(d for d in catalogue_services() if d.id == "zaswiadczenie-o-niezaleganiu")
    data = prepared(stack, defn)

    def submit(n: int) -> Any:
        # A patient client: the emulator starts a cold worker per request that finds none idle, and ten of them
        # at once on two cores take a minute and a half to answer (measured); what is tested here is numbering.
        return stack.call("POST", f"/v1/tenants/{A}/services/{defn.id}/submissions", {"data": data},
                          {**me(), "Idempotency-Key": f"e2e-rownolegle-{n:03d}"}, timeout=240)

    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = list(pool.map(submit, range(50)))
    assert [r.status for r in replies] == [201] * 50, [r.body for r in replies if r.status != 201][:1]

    signed: dict[int, str] = {}  # a registered case keeps its sign: each submission is read until it shows one

    def signs() -> Any:
        """every parallel submission is registered"""
        waiting = [n for n in range(50) if n not in signed]
        with ThreadPoolExecutor(max_workers=10) as pool:
            shown = pool.map(lambda n: stack.call("GET", replies[n].body["links"]["self"], headers=me()).body, waiting)
            signed.update({n: s["case_sign"] for n, s in zip(waiting, shown, strict=True) if s["case_sign"]})
        return list(signed.values()) if len(signed) == 50 else None

    got = eventually(signs, timeout=180)
    numbers = sorted(int(s.split(".")[2]) for s in got)
    assert len(set(got)) == 50
    assert numbers == list(range(numbers[0], numbers[0] + 50))  # consecutive: no gap, no duplicate


def test_the_residents_email_names_the_request_that_submitted_it(stack: Stack) -> None:
    """The correlation id travels from the request through the registration event to the e-mail."""
    defn = next(d for d in catalogue_services() if d.id == "pismo-ogolne")
    reference = f"e2e-portal-{hashlib.sha256(RESIDENT.encode()).hexdigest()[:8]}-korelacja"
    reply = stack.call("POST", f"/v1/tenants/{A}/services/{defn.id}/submissions", {"data": prepared(stack, defn)},
                       {**me(), "Idempotency-Key": "e2e-korelacja", "X-Correlation-Id": reference})
    assert reply.status == 201, reply.body
    assert reply.headers.get("X-Correlation-Id") == reference

    def mailed() -> Any:
        """the registration worker e-mailed the resident"""
        return emails_about(reference) or None

    mails = eventually(mailed)
    assert len(mails) == 1 and mails[0]["To"] == ["ewa.nowak@example.pl"]
    assert f"Numer referencyjny: {reference}" in mails[0]["BodyText"]
