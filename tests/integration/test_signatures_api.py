"""The public verification e-service and the office seal, with the trust store in S3 and the seal key in
Secrets Manager of the emulator, installed by the operator command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from chalicelib.signatures import pki
from tests import signing

DOCUMENT = "<w:wniosek xmlns:w='urn:eurzad:test'><w:imie>Jan</w:imie><w:nazwisko>Kowalski</w:nazwisko></w:wniosek>"


def post(api: Any, body: bytes, *, query: str = "", content_type: str = "application/xml") -> tuple[int, Any]:
    resp = api.http.post(f"/v1/signatures/verify{query}", headers={"Content-Type": content_type}, body=body)
    return resp.status_code, json.loads(resp.body)


def test_a_residents_signed_application_is_valid_and_names_the_signer(api: Any, demo_pki: pki.DemoPki) -> None:
    signed = signing.sign_with_signxml(DOCUMENT.encode(), demo_pki.resident, [demo_pki.intermediate.cert])

    status, report = post(api, signed)

    assert status == 200, report
    assert report["verdict"] == "valid"
    signature = report["signatures"][0]
    assert signature["signer"] == {**signature["signer"], "kind": "person", "name": "Jan Kowalski",
                                   "pesel": pki.DEMO_RESIDENT_PESEL}
    assert signature["chain"][-1] == demo_pki.root.cert.subject.rfc4514_string()
    content = etree.fromstring(signature["signed_content"][0]["xml"].encode())
    assert content.findtext("{urn:eurzad:test}nazwisko") == "Kowalski"


def test_a_signature_from_another_pki_is_intact_but_not_trusted(api: Any, demo_pki: pki.DemoPki) -> None:
    stranger = pki.generate_demo()
    signed = signing.sign_with_signxml(DOCUMENT.encode(), stranger.resident, [stranger.intermediate.cert])

    status, report = post(api, signed)

    assert status == 200
    assert report["verdict"] == "intact_untrusted"
    assert [r["code"] for r in report["signatures"][0]["reasons"]] == ["chain_untrusted"]


def test_one_changed_character_breaks_it(api: Any, demo_pki: pki.DemoPki) -> None:
    signed = signing.sign_with_signxml(DOCUMENT.encode(), demo_pki.resident, [demo_pki.intermediate.cert])

    status, report = post(api, signed.replace(b"Kowalski</w:nazwisko>", b"Kowalsky</w:nazwisko>"))

    assert status == 200
    assert report["verdict"] == "invalid"
    reason = report["signatures"][0]["reasons"][0]
    assert reason["code"] == "content_digest_mismatch"
    assert "zmieniona" in reason["message"]
    assert report["signatures"][0]["signed_content"] == []


def test_the_office_seal_from_secrets_manager_verifies_here_and_under_xmlsec1(
        api: Any, demo_pki: pki.DemoPki, tmp_path: Path) -> None:
    from chalicelib.modules.signatures import logic as service

    sealed = service.seal(etree.fromstring(DOCUMENT.encode()))

    status, report = post(api, sealed)
    assert status == 200
    assert report["verdict"] == "valid", report
    signer = report["signatures"][0]["signer"]
    assert (signer["kind"], signer["nip"]) == ("seal", pki.DEMO_SEAL_NIP)
    accepted = signing.xmlsec1_as_clerk(sealed, demo_pki.root.cert_pem(), tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    changed = sealed.replace(b">Kowalski<", b">Kowalsky<")
    assert changed != sealed
    assert signing.xmlsec1_as_clerk(changed, demo_pki.root.cert_pem(), tmp_path).returncode != 0


@pytest.mark.parametrize(("body", "status", "code"), [
    (b"<a><b></a>", 400, "xml_malformed"),
    (b"to nie jest XML", 400, "xml_malformed"),
    (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', 422,
     "doctype_forbidden"),
    (b"<wniosek><imie>Jan</imie></wniosek>", 422, "signature_missing"),
    (b"<a>" + b"x" * (2 * 1024 * 1024) + b"</a>", 422, "xml_too_large"),
])
def test_unreadable_input_gets_the_error_shape(api: Any, demo_pki: pki.DemoPki, body: bytes, status: int,
                                                code: str) -> None:
    got, payload = post(api, body)

    assert got == status
    assert payload["error"]["code"] == code
    assert payload["error"]["message"]
    assert payload["error"]["details"][0]["code"] == code


def test_an_unknown_policy_names_the_field(api: Any, demo_pki: pki.DemoPki) -> None:
    status, payload = post(api, b"<a/>", query="?policy=luzny")

    assert status == 422
    assert payload["error"]["details"][0]["field"] == "policy"


def test_the_archival_policy_accepts_an_old_sha1_signature_as_intact(api: Any, demo_pki: pki.DemoPki) -> None:
    old = (Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "xades" / "intact"
           / "Signature-X-UK_ELD-4.xml").read_bytes()

    strict_status, strict = post(api, old)
    archival_status, archival = post(api, old, query="?policy=archival")

    assert (strict_status, strict["verdict"]) == (200, "invalid")
    assert (archival_status, archival["verdict"], archival["policy"]) == (200, "intact_untrusted", "archival")


def test_the_operator_seals_a_letter_and_verifies_files_from_the_command_line(
        demo_pki: pki.DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib import cli

    letter, sealed = tmp_path / "pismo.xml", tmp_path / "pismo-podpisane.xml"
    letter.write_text("<?xml version='1.0' encoding='UTF-8'?><pismo><tresc>Wezwanie do uzupełnienia</tresc></pismo>")

    assert cli.main(["signatures", "seal", str(letter), "-o", str(sealed)]) == 0
    assert cli.main(["signatures", "verify", str(sealed)]) == 0
    assert cli.main(["signatures", "verify", str(letter)]) == 1

    out = capsys.readouterr().out
    assert f"{sealed}: valid" in out
    assert "signature_missing" in out
