"""e-wniosek against the emulator: upload through S3's presigned POST, the quarantine check driven from the real
S3 notification queue, submission with the UPP, registration from the real registrations queue."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from lxml import etree

from chalicelib.resources import bucket_name
from chalicelib.signatures import pki
from tests import queues, signing
from tests.conftest import auth
from tests.emulator import sent_emails
from tests.files import make_pdf, make_png
from tests.formdata import PESEL, valid_data, with_value
from tests.uploads import post_file

A, B = "1418043", "1418032"
UPO = "{http://crd.gov.pl/xml/schematy/UPO/2008/05/09/}"
RESIDENT = "resident-anna"
OTHER = "resident-piotr"


def me(subject: str = RESIDENT, pesel: str | None = PESEL) -> dict[str, str]:
    """A resident signed in through the national login: Jan Kowalski, the applicant `valid_data` fills in."""
    return auth("resident", subject=subject, pesel=pesel, given_name="Jan", family_name="Kowalski")


def call(api: Any, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = json.dumps(body) if body is not None else None
    resp = getattr(api.http, method.lower())(path, headers={"Content-Type": "application/json", **(headers or {})},
                                             body=data)
    try:
        payload = json.loads(resp.body) if resp.body else None
    except (ValueError, UnicodeDecodeError):
        payload = resp.body
    return resp.status_code, payload


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    queues.purge("registrations")
    queues.purge("attachment-uploads")
    yield


def upload(api: Any, terc: str, service: str, content: bytes, content_type: str = "application/pdf", *,
           subject: str = RESIDENT, screen: bool = True) -> str:
    status, slot = call(api, "POST", f"/v1/tenants/{terc}/services/{service}/attachments",
                        {"filename": "zalacznik.pdf", "content_type": content_type, "size": len(content)},
                        me(subject))
    assert status == 201, slot
    assert post_file(slot["upload"], content, filename="zalacznik.pdf") == 204
    if screen:
        queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=[slot["attachment_id"]])
    return str(slot["attachment_id"])


def application(api: Any, terc: str, service: str, *, subject: str = RESIDENT) -> dict[str, Any]:
    from chalicelib.modules.catalogue.wiring import catalogue

    defn = catalogue().get(service)
    assert defn is not None
    return valid_data(defn, lambda field: upload(api, terc, service, make_pdf(), subject=subject))


def submit(api: Any, terc: str, service: str, data: dict[str, Any], key: str, *,
           subject: str = RESIDENT) -> tuple[int, Any]:
    return call(api, "POST", f"/v1/tenants/{terc}/services/{service}/submissions", {"data": data},
                {**me(subject), "Idempotency-Key": key})


def run_sweeper(api: Any, *, later: timedelta) -> None:
    """The scheduled sweeper, as if it ran `later` from now."""
    from chalicelib.core.clock import FixedClock, SystemClock, set_clock

    set_clock(FixedClock(datetime.now(UTC) + later))
    try:
        api.lambda_.invoke("registration_sweeper", api.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    finally:
        set_clock(SystemClock())


def stored_keys(terc: str, submission_id: str) -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=bucket_name("documents"),
                                                 Prefix=f"submissions/{terc}/{submission_id}/")
    return [o["Key"] for o in listing.get("Contents", [])]


def test_a_resident_files_an_application_and_holds_a_sealed_upp_bound_to_the_stored_document(
        api: Any, demo_pki: pki.DemoPki, tmp_path: Path) -> None:
    # Given a resident's valid application with a released attachment
    data = application(api, A, "zezwolenie-na-usuniecie-drzew")

    # When it is submitted
    status, body = submit(api, A, "zezwolenie-na-usuniecie-drzew", data, "drzewa-0001")

    # Then it is accepted with a receipt that verifies with the region's root under Debian's xmlsec1
    assert status == 201, body
    assert body["status"] == "przyjete" and body["form_version"] == 1
    upp = fetch(call(api, "GET", body["links"]["upp"], headers=me())[1]["url"])
    document = fetch(call(api, "GET", body["links"]["document"], headers=me())[1]["url"])
    assert signing.xmlsec1_as_clerk(upp, demo_pki.root.cert_pem(), tmp_path).returncode == 0
    receipt = etree.fromstring(upp)
    assert receipt.tag == f"{UPO}Dokument"
    digest = receipt.find(f".//{UPO}SkrotDokumentu")
    assert digest is not None and base64.b64decode(digest.text or "") == hashlib.sha256(document).digest()
    delivered = datetime.fromisoformat(receipt.findtext(f".//{UPO}DataDoreczenia", ""))
    assert delivered == datetime.fromisoformat(body["delivered_at"]) and delivered.utcoffset() is not None
    assert "Urząd Miasta i Gminy Piaseczno" in upp.decode()
    # And one changed byte in the receipt breaks it, and the stored document no longer matches its digest
    assert signing.xmlsec1_as_clerk(upp.replace(b"Piaseczno", b"Piaseczn0", 1), demo_pki.root.cert_pem(),
                                    tmp_path).returncode != 0
    assert hashlib.sha256(document.replace(b"Kowalski", b"Kowalsky", 1)).digest() != hashlib.sha256(document).digest()
    # And the attachment went with it, byte for byte
    attachment = body["attachments"][0]
    got = fetch(call(api, "GET", attachment["href"], headers=me())[1]["url"])
    assert got == make_pdf() and attachment["sha256"] == hashlib.sha256(got).hexdigest()


def test_the_clerk_checks_a_receipt_against_the_document_from_the_command_line(
        api: Any, demo_pki: pki.DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib import cli

    status, body = submit(api, A, "pismo-ogolne", application(api, A, "pismo-ogolne"), "upp-cli-1")
    assert status == 201
    receipt, document = tmp_path / "upp.xml", tmp_path / "wniosek.xml"
    receipt.write_bytes(fetch(call(api, "GET", body["links"]["upp"], headers=me())[1]["url"]))
    document.write_bytes(fetch(call(api, "GET", body["links"]["document"], headers=me())[1]["url"]))

    assert cli.main(["upp", "check", str(receipt), str(document)]) == 0
    out = capsys.readouterr().out
    assert body["receipt_id"] in out and "zgodny z UPP" in out and "Urząd Miasta i Gminy Piaseczno" in out
    # One changed byte in the document, or in the receipt, and the check fails
    document.write_bytes(document.read_bytes().replace(b"Kowalski", b"Kowalsky", 1))
    assert cli.main(["upp", "check", str(receipt), str(document)]) == 1
    assert "NIE jest dokumentem" in capsys.readouterr().out
    receipt.write_bytes(receipt.read_bytes().replace(b"Piaseczno", b"Piaseczn0", 1))
    assert cli.main(["upp", "check", str(receipt), str(document)]) == 1
    assert "pieczęć UPP nieprawidłowa" in capsys.readouterr().out


def test_registration_gives_a_case_sign_due_date_and_an_email_and_a_second_delivery_changes_nothing(
        api: Any, demo_pki: pki.DemoPki) -> None:
    # Given an accepted submission waiting in the registrations queue
    data = with_value(application(api, A, "pismo-ogolne"), "email", "anna.nowak@example.pl")
    status, body = submit(api, A, "pismo-ogolne", data, "pismo-rejestracja-1")
    assert status == 201, body
    message = queues.peek("registrations")

    # When the worker takes it, and the same message is then delivered once more
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    queues.send("registrations", message)
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1

    # Then there is one case, with a sign of the OR department, JRWA class 1510 and this year, and one e-mail
    _, shown = call(api, "GET", body["links"]["self"], headers=me())
    assert shown["status"] == "zarejestrowana"
    assert re.fullmatch(r"OR\.1510\.\d+\.20\d\d", shown["case_sign"]), shown
    _, inbox = call(api, "GET", f"/v1/tenants/{A}/inbox?department=OR&limit=100", headers=auth("clerk", A))
    assert [c["case_sign"] for c in inbox["items"] if c["submission_id"] == body["submission_id"]] == [
        shown["case_sign"]]
    mails = [m for m in sent_emails() if shown["case_sign"] in (m.get("Subject") or "")]
    assert len(mails) == 1 and "zarejestrowany" in mails[0]["Subject"]
    assert shown["case_sign"] in mails[0]["BodyText"]


def _metered(function: str, module: str) -> dict[str, float]:
    """The AWS requests metered today for the general letter in JST A, by `function` of `module`."""
    from chalicelib.core.clock import get_clock
    from chalicelib.core.metering import day_of
    from chalicelib.integrations.aws import client

    sk = f"D#{day_of(get_clock().now())}#M#{module}#S#pismo-ogolne#F#{function}"
    item = client("dynamodb").get_item(TableName="eurzad-test-metering",
                                       Key={"pk": {"S": f"T#{A}"}, "sk": {"S": sk}}).get("Item", {})
    return {k.removeprefix("aws:"): float(v["N"]) for k, v in item.items() if k.startswith("aws:")}


# What a container reads on first use and then keeps: the office seal, a queue's URL, the published catalogue.
FIRST_USE = {"secretsmanager:GetSecretValue", "sqs:GetQueueUrl", "dynamodb:Query", "dynamodb:Scan"}


def _delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0) and k not in FIRST_USE}


def test_a_submission_and_its_registration_read_only_what_they_must(api: Any, demo_pki: pki.DemoPki) -> None:
    # Given a general letter with an e-mail address
    data = with_value(application(api, A, "pismo-ogolne"), "email", "anna.nowak@example.pl")
    submit_before, register_before = _metered("api_handler", "submissions"), _metered("registrations", "cases")

    # When it is submitted and registered
    status, _ = submit(api, A, "pismo-ogolne", data, "pismo-odczyty-1")
    assert status == 201
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1

    # Then the submission read the JST's configuration and, in one request, its key and attachments; it claimed,
    # stored, sealed, recorded and queued
    assert _delta(_metered("api_handler", "submissions"), submit_before) == {
        "dynamodb:GetItem": 1, "dynamodb:BatchGetItem": 1, "dynamodb:TransactWriteItems": 2, "s3:PutObject": 2,
        "sqs:SendMessage": 1}
    # And the registration read neither the submission nor the JST (the message carried them) and wrote no e-mail
    # marker after the e-mail: at most the case-sign counter, the transaction (again if the counter moved), SES
    registered = _delta(_metered("registrations", "cases"), register_before)
    assert registered.pop("ses:SendEmail") == 1 and registered.pop("dynamodb:GetItem", 0) <= 1
    assert set(registered) == {"dynamodb:TransactWriteItems"} and registered["dynamodb:TransactWriteItems"] <= 2


def test_the_same_idempotency_key_gives_the_same_receipt_and_one_submission(api: Any, demo_pki: pki.DemoPki) -> None:
    data = application(api, A, "pismo-ogolne")
    first = submit(api, A, "pismo-ogolne", data, "pismo-powtorka-1")
    again = submit(api, A, "pismo-ogolne", data, "pismo-powtorka-1")

    assert first[0] == again[0] == 201
    assert first[1] == again[1]
    assert queues.count("registrations") == 1
    mine = call(api, "GET", "/v1/me/submissions", headers=me())[1]["items"]
    assert [s["submission_id"] for s in mine].count(first[1]["submission_id"]) == 1
    # The same key for different content is refused, not silently answered with the first receipt
    changed = with_value(data, "tytul", "Inny tytuł")
    status, error = submit(api, A, "pismo-ogolne", changed, "pismo-powtorka-1")
    assert (status, error["error"]["code"]) == (409, "idempotency_key_reused")


@pytest.mark.parametrize(("path", "value", "code"), [
    ("nadawca.pesel", "44051401358", "pesel_invalid"),
    ("nadawca.birth_date", "1944-05-15", "pesel_birth_date_mismatch"),
    ("adres.postal_code", "05500", "postal_code_invalid"),
    ("adres_do_doreczen", "AE:PL-12345-67890-ABCDE-1", "edelivery_address_invalid"),
])
def test_invalid_data_is_refused_field_by_field_in_polish_and_nothing_is_stored(
        api: Any, demo_pki: pki.DemoPki, path: str, value: str, code: str) -> None:
    from chalicelib.modules.submissions.logic import submission_id

    data = with_value(application(api, A, "pismo-ogolne"), path, value)
    key = f"zle-{code}"

    status, body = submit(api, A, "pismo-ogolne", data, key)

    assert status == 422, body
    detail = next(d for d in body["error"]["details"] if d["field"] == f"data.{path}")
    assert detail["code"] == code and detail["message"]
    sid = submission_id("test-resident-region" if False else RESIDENT, key)
    assert call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())[0] == 404
    assert stored_keys(A, sid) == []
    assert queues.count("registrations") == 0


def test_a_firm_with_a_wrong_nip_regon_or_account_is_refused_per_field(api: Any, demo_pki: pki.DemoPki) -> None:
    data = application(api, A, "pismo-ogolne")
    data = with_value(data, "rodzaj_nadawcy", "podmiot")
    data.pop("nadawca", None)
    data["podmiot"] = {"name": "Zieleń Sp. z o.o.", "nip": "8567346216", "regon": "12345678512348"}

    status, body = submit(api, A, "pismo-ogolne", data, "firma-zla-1")

    assert status == 422
    codes = {d["field"]: d["code"] for d in body["error"]["details"]}
    assert codes == {"data.podmiot.nip": "nip_invalid", "data.podmiot.regon": "regon_invalid"}


def test_a_wrong_bank_account_for_a_refund_is_refused(api: Any, demo_pki: pki.DemoPki) -> None:
    data = with_value(application(api, A, "zwrot-nadplaty"), "rachunek", "61 1090 1014 0000 0712 1981 2875")

    status, body = submit(api, A, "zwrot-nadplaty", data, "zwrot-zly-rachunek-1")

    assert status == 422
    assert [(d["field"], d["code"]) for d in body["error"]["details"]] == [("data.rachunek", "nrb_invalid")]
    assert "rachunku" in body["error"]["details"][0]["message"]


def test_a_missing_conditional_field_is_named(api: Any, demo_pki: pki.DemoPki) -> None:
    data = with_value(application(api, A, "pismo-ogolne"), "rodzaj_pisma", "uzupelnienie")
    data.pop("znak_sprawy", None)

    status, body = submit(api, A, "pismo-ogolne", data, "warunek-1")

    assert status == 422
    assert {"field": "data.znak_sprawy", "code": "missing", "message": "Pole jest wymagane."} in body["error"][
        "details"]


def test_attachment_rules_type_size_and_content(api: Any, demo_pki: pki.DemoPki) -> None:
    base = f"/v1/tenants/{A}/services/pismo-ogolne/attachments"
    # A forbidden type or an oversized file gets no upload slot at all
    status, body = call(api, "POST", base, {"filename": "x.exe", "content_type": "application/x-msdownload",
                                            "size": 10}, me())
    assert (status, body["error"]["details"][0]["field"]) == (422, "content_type")
    status, body = call(api, "POST", base, {"filename": "big.pdf", "content_type": "application/pdf",
                                            "size": 11 * 1024 * 1024}, me())
    assert (status, body["error"]["details"][0]["code"]) == (422, "attachment_too_large")
    # S3 itself refuses a different content type than the slot fixed
    status, slot = call(api, "POST", base, {"filename": "a.pdf", "content_type": "application/pdf", "size": 5}, me())
    assert post_file(slot["upload"], make_pdf(), content_type="text/html") == 403
    # A PNG declared as PDF passes S3's policy but not the content check, and cannot be submitted
    forged = upload(api, A, "pismo-ogolne", make_png(), "application/pdf")
    _, seen = call(api, "GET", f"/v1/me/attachments/{forged}", headers=me())
    assert seen["status"] == "odrzucony" and "PNG" in seen["reason"]
    data = application(api, A, "pismo-ogolne")
    data["zalaczniki"] = [forged]
    status, body = submit(api, A, "pismo-ogolne", data, "podrobiony-1")
    assert status == 422
    assert body["error"]["details"][0] == {**body["error"]["details"][0], "field": "data.zalaczniki[0]",
                                           "code": "attachment_rejected"}
    # A file still in quarantine cannot be submitted either
    waiting = upload(api, A, "pismo-ogolne", make_pdf(), screen=False)
    data["zalaczniki"] = [waiting]
    status, body = submit(api, A, "pismo-ogolne", data, "kwarantanna-1")
    assert (status, body["error"]["details"][0]["code"]) == (422, "attachment_not_released")


def test_nobody_else_reads_a_submission_its_receipt_or_files(api: Any, demo_pki: pki.DemoPki) -> None:
    data = with_value(application(api, A, "pismo-ogolne"), "zalaczniki", [upload(api, A, "pismo-ogolne", make_pdf())])
    status, body = submit(api, A, "pismo-ogolne", data, "prywatny-1")
    assert status == 201
    sid, attachment = body["submission_id"], body["attachments"][0]["attachment_id"]
    queues.deliver(api, "registrations", "registrations")

    for path in (f"/v1/me/submissions/{sid}", f"/v1/me/submissions/{sid}/upp", f"/v1/me/submissions/{sid}/document",
                 f"/v1/me/submissions/{sid}/attachments/{attachment}", f"/v1/me/attachments/{attachment}"):
        assert call(api, "GET", path, headers=me(OTHER))[0] == 404, path
        assert call(api, "GET", path, headers=me())[0] == 200, path
    clerk_path = f"/v1/tenants/{A}/submissions/{sid}"
    assert call(api, "GET", clerk_path, headers=auth("clerk", A))[0] == 200
    assert call(api, "GET", clerk_path + "/upp", headers=auth("clerk", A))[0] == 200
    assert call(api, "GET", clerk_path, headers=auth("clerk", B))[0] == 403
    assert call(api, "GET", f"/v1/tenants/{B}/submissions/{sid}", headers=auth("clerk", B))[0] == 404
    assert call(api, "GET", clerk_path, headers=auth("clerk", A, department="FN"))[0] == 403
    assert call(api, "GET", f"/v1/tenants/{A}/inbox?department=OR", headers=auth("clerk", B))[0] == 403
    assert call(api, "GET", clerk_path, headers=me())[0] == 403


def test_drafts_are_saved_resumed_and_only_by_their_owner(api: Any, demo_pki: pki.DemoPki) -> None:
    status, draft = call(api, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/drafts",
                         {"data": {"tytul": "Wniosek o"}}, me())
    assert status == 201 and draft["form_version"] == 2
    path = f"/v1/me/drafts/{draft['draft_id']}"
    status, changed = call(api, "PUT", path, {"data": {"tytul": "Wniosek o wgląd"}}, me())
    assert status == 200 and changed["data"] == {"tytul": "Wniosek o wgląd"}
    assert call(api, "GET", path, headers=me())[1]["data"]["tytul"] == "Wniosek o wgląd"
    assert call(api, "GET", path, headers=me(OTHER))[0] == 404
    assert draft["draft_id"] in [d["draft_id"] for d in call(api, "GET", "/v1/me/drafts", headers=me())[1]["items"]]
    assert draft["expires_at"] > draft["updated_at"]
    # Submitting from the draft removes it
    data = application(api, A, "pismo-ogolne")
    status, _ = call(api, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/submissions",
                     {"data": data, "draft_id": draft["draft_id"]}, {**me(), "Idempotency-Key": "z-wersji-1"})
    assert status == 201
    assert call(api, "GET", path, headers=me())[0] == 404


def test_the_submission_needs_an_idempotency_key_and_an_offered_service(api: Any, demo_pki: pki.DemoPki) -> None:
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/submissions", {"data": {}}, me())
    assert (status, body["error"]["code"]) == (400, "idempotency_key_missing")
    status, body = submit(api, B, "zajecie-pasa-drogowego", {}, "wylaczona-1")
    assert (status, body["error"]["code"]) == (404, "service_not_enabled")
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/submissions", {"data": {}},
                        auth("clerk", A) | {"Idempotency-Key": "urzednik-1"})
    assert status == 403


def test_a_self_signed_application_is_verified_and_a_foreign_signer_is_flagged(
        api: Any, demo_pki: pki.DemoPki) -> None:
    data = application(api, A, "pismo-ogolne")
    status, unsigned = _document(api, data)
    assert status == 200, unsigned
    signed = signing.sign_with_signxml(unsigned, demo_pki.resident, [demo_pki.intermediate.cert])

    # The applicant is Jan Kowalski, PESEL 44051401359 — the demo signer; then someone else's PESEL
    ok_status, ok = _post_xml(api, signed, "podpisany-1")
    other = with_value(data, "nadawca.pesel", "02070803628")
    other = with_value(other, "nadawca.birth_date", "1902-07-08")
    other = with_value(other, "nadawca.sex", "K")
    _, unsigned_other = _document(api, other)
    flagged_status, flagged = _post_xml(
        api, signing.sign_with_signxml(unsigned_other, demo_pki.resident, [demo_pki.intermediate.cert]),
        "podpisany-2")

    assert ok_status == 201, ok
    assert ok["signed"] is True and ok["flags"] == []
    assert flagged_status == 201, flagged
    assert flagged["flags"] == ["signer_not_applicant"]
    # A stranger's PKI or a changed byte: refused with the report
    stranger = pki.generate_demo()
    untrusted = signing.sign_with_signxml(unsigned, stranger.resident, [stranger.intermediate.cert])
    status, body = _post_xml(api, untrusted, "podpisany-3")
    assert (status, body["error"]["code"]) == (422, "signature_not_accepted")
    assert body["error"]["report"]["verdict"] == "intact_untrusted"
    status, body = _post_xml(api, signed.replace(b"Kowalski", b"Kowalsky", 1), "podpisany-4")
    assert (status, body["error"]["report"]["verdict"]) == (422, "invalid")


@pytest.mark.parametrize("block", ["old", "new"])
def test_a_profil_zaufany_signature_names_the_person_and_is_matched_with_the_applicant(
        api: Any, demo_pki: pki.DemoPki, block: str) -> None:
    # Given the trusted-profile service's seal (issued under the region's trusted root) signing for Jan Kowalski
    service_seal = pki.issue_signer(pki.name("Profil Zaufany (demo)", organization="Ministerstwo Cyfryzacji (demo)",
                                             organization_identifier="VATPL-5252924222"), demo_pki.intermediate)

    def identity(pesel: str) -> Any:
        if block == "old":
            return signing.profil_zaufany_old(first_name="Jan", surname="Kowalski", pesel=pesel,
                                              epuap_account="jkowalski")
        return signing.profil_zaufany_new(first_name="Jan", surname="Kowalski", pesel=pesel,
                                          date_of_birth="1944-05-14", issuer="login.gov.pl",
                                          issued_at="2026-11-23T10:15:00.000+01:00")

    data = application(api, A, "pismo-ogolne")
    _, unsigned = _document(api, data)
    _, unsigned_again = _document(api, data)  # a document of its own (its own id): one document is one submission

    # When the application is signed with the trusted profile of its applicant, and of someone else
    own = signing.sign_with_signxml(unsigned, service_seal, [demo_pki.intermediate.cert],
                                    claimed_roles=[identity("44051401359")])
    foreign = signing.sign_with_signxml(unsigned_again, service_seal, [demo_pki.intermediate.cert],
                                        claimed_roles=[identity("02070803628")])
    own_status, own_body = _post_xml(api, own, f"pz-{block}-1")
    foreign_status, foreign_body = _post_xml(api, foreign, f"pz-{block}-2")

    # Then both are accepted; the signer's name, PESEL and signing time are shown; only the foreign one is flagged
    assert own_status == 201, own_body
    signer = own_body["signer"]
    assert (signer["kind"], signer["name"], signer["pesel"]) == ("profil_zaufany", "Jan Kowalski", "44051401359")
    assert signer["signing_time"]
    assert own_body["flags"] == []
    assert foreign_status == 201 and foreign_body["flags"] == ["signer_not_applicant"]
    clerk_view = call(api, "GET", f"/v1/tenants/{A}/submissions/{foreign_body['submission_id']}",
                      headers=auth("clerk", A))[1]
    assert clerk_view["flags"] == ["signer_not_applicant"] and clerk_view["signer"]["pesel"] == "02070803628"


def test_a_signature_over_a_file_elsewhere_is_refused(api: Any, demo_pki: pki.DemoPki) -> None:
    _, unsigned = _document(api, application(api, A, "pismo-ogolne"))
    signed = signing.sign_with_signxml(unsigned, demo_pki.resident, [demo_pki.intermediate.cert])
    detached = signing.redirect_content_reference(signed, "wniosek.xml")

    status, body = _post_xml(api, detached, "odlaczony-1")

    assert (status, body["error"]["code"]) == (422, "signature_not_accepted")
    assert "reference_external" in {d["code"] for d in body["error"]["details"]}


def _document(api: Any, data: dict[str, Any]) -> tuple[int, bytes]:
    resp = api.http.post(f"/v1/tenants/{A}/services/pismo-ogolne/document",
                         headers={"Content-Type": "application/json", "Accept": "application/xml", **me()},
                         body=json.dumps({"data": data}))
    body = resp.body if isinstance(resp.body, bytes) else resp.body.encode()
    return resp.status_code, body


def _post_xml(api: Any, document: bytes, key: str) -> tuple[int, Any]:
    resp = api.http.post(f"/v1/tenants/{A}/services/pismo-ogolne/submissions",
                         headers={"Content-Type": "application/xml", **me(), "Idempotency-Key": key}, body=document)
    return resp.status_code, json.loads(resp.body)




def test_a_registration_message_that_could_not_be_sent_is_sent_by_the_sweeper(
        api: Any, demo_pki: pki.DemoPki, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules.submissions import wiring as registry

    class QueueDown:
        def publish(self, key: str, message: Any) -> str:
            raise ConnectionError("SQS unavailable")

    # Given SQS is down at the moment a submission is accepted
    data = application(api, A, "pismo-ogolne")
    with monkeypatch.context() as patched:
        patched.setattr(registry, "publisher", QueueDown)
        status, body = submit(api, A, "pismo-ogolne", data, "kolejka-awaria-1")

    # Then the resident still gets the receipt, and nothing is queued yet
    assert status == 201, body
    assert queues.count("registrations") == 0
    # When the sweeper runs (every 5 minutes) a few minutes later, the message goes out and the case is
    # registered, once (the sweeper's second run finds it not due again)
    # (it also sends whatever earlier tests left marked: their queues were purged before registration)
    run_sweeper(api, later=timedelta(minutes=4))
    sent = queues.count("registrations")
    run_sweeper(api, later=timedelta(minutes=5))
    assert sent >= 1 and queues.count("registrations") == sent
    queues.deliver(api, "registrations", "registrations")
    _, shown = call(api, "GET", body["links"]["self"], headers=me())
    assert shown["status"] == "zarejestrowana" and shown["case_sign"]
    _, inbox = call(api, "GET", f"/v1/tenants/{A}/inbox?department=OR&limit=100", headers=auth("clerk", A))
    assert [c["submission_id"] for c in inbox["items"]].count(body["submission_id"]) == 1


def test_each_service_has_its_own_attachment_rules_and_a_submission_records_its_form_version(
        api: Any, demo_pki: pki.DemoPki) -> None:
    def slot(service: str, content_type: str, size: int) -> int:
        return call(api, "POST", f"/v1/tenants/{A}/services/{service}/attachments",
                    {"filename": "plik", "content_type": content_type, "size": size}, me())[0]

    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    # Road-lane occupation (version 3, as 2) takes drawings and scans up to 20 MiB, but no Word files
    assert slot("zajecie-pasa-drogowego", docx, 1000) == 422
    assert slot("zajecie-pasa-drogowego", "image/tiff", 15 * 1024 * 1024) == 201
    # The general letter keeps the platform's defaults: Word files yes, 15 MiB no
    assert slot("pismo-ogolne", docx, 1000) == 201
    assert slot("pismo-ogolne", "application/pdf", 15 * 1024 * 1024) == 422
    _, described = call(api, "GET", "/v1/catalogue/zajecie-pasa-drogowego")
    assert (described["version"], described["attachments"]["max_file_bytes"]) == (3, 20 * 1024 * 1024)

    # A submission records the version it was made with; the previous version is still accepted if asked for
    data = application(api, A, "zajecie-pasa-drogowego")
    status, latest = submit(api, A, "zajecie-pasa-drogowego", data, "pas-v2-1")
    assert (status, latest["form_version"]) == (201, 3), latest
    status, older = call(api, "POST", f"/v1/tenants/{A}/services/zajecie-pasa-drogowego/submissions",
                         {"data": data, "form_version": 1}, {**me(), "Idempotency-Key": "pas-v1-1"})
    assert (status, older["form_version"]) == (201, 1), older


def test_the_clerks_inbox_is_newest_first_and_paged(api: Any, demo_pki: pki.DemoPki) -> None:
    for n in range(3):
        assert submit(api, A, "pismo-ogolne", application(api, A, "pismo-ogolne"), f"skrzynka-{n}")[0] == 201
    queues.deliver(api, "registrations", "registrations")
    clerk = auth("clerk", A, department="OR")

    status, first = call(api, "GET", f"/v1/tenants/{A}/inbox?limit=2", headers=clerk)
    _, second = call(api, "GET", f"/v1/tenants/{A}/inbox?limit=2&next={first['next']}", headers=clerk)

    assert status == 200 and first["department"] == "OR" and len(first["items"]) == 2 and first["next"]
    shown = first["items"] + second["items"]
    times = [c["registered_at"] for c in shown]
    assert times == sorted(times, reverse=True)
    assert len({c["case_sign"] for c in shown}) == len(shown)
    assert call(api, "GET", f"/v1/tenants/{A}/inbox?limit=2&next=zepsuty", headers=clerk)[0] == 400
    assert call(api, "GET", f"/v1/tenants/{A}/inbox?department=FN", headers=clerk)[0] == 403
