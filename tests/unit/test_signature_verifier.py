"""XAdES verification against signatures made by independent tools (signxml, the xmlsec1 command) and attacks.

What a user of the office notices: the verdict, the reason code that explains it, who signed and what exactly
the signature covers. The signed XML comes from `tests/signing.py`; nothing here uses the verifier's own code
to produce a signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from lxml import etree

from chalicelib.signatures import pki as pki_module
from chalicelib.signatures import xades
from chalicelib.signatures.pki import DemoPki, Issued
from chalicelib.signatures.report import REASONS, VerificationReport
from chalicelib.signatures.trust import TrustStore
from chalicelib.signatures.verifier import STRICT, Verifier
from chalicelib.signatures.xades import DS
from chalicelib.signatures.xmlsafe import UnreadableDocument
from tests import signing

PESEL = pki_module.DEMO_RESIDENT_PESEL
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Wniosek xmlns="urn:eurzad:test:wniosek" Id="wniosek-1">'
    "<Wnioskodawca><Imie>Jan</Imie><Nazwisko>Kowalski</Nazwisko></Wnioskodawca>"
    "<Tresc>Proszę o wydanie zaświadczenia o zameldowaniu na pobyt stały.</Tresc>"
    "<Oplata>17.00</Oplata>"
    "</Wniosek>"
).encode()
FAKE_DOCUMENT = (
    '<Wniosek xmlns="urn:eurzad:test:wniosek">'
    "<Wnioskodawca><Imie>Jan</Imie><Nazwisko>Kowalski</Nazwisko></Wnioskodawca>"
    "<Tresc>Zrzekam się prawa własności nieruchomości na rzecz osoby trzeciej.</Tresc>"
    "<Oplata>0.00</Oplata>"
    "</Wniosek>"
).encode()
FAKE_TEXT = "Zrzekam się prawa własności"


def _without_root_id(document: bytes) -> bytes:
    return document.replace(b' Id="wniosek-1"', b"")


PLAIN_DOCUMENT = _without_root_id(DOCUMENT)


# ---------------------------------------------------------------------------------------------------------------
# Fixtures: one PKI per module (key generation is the slow part)


@dataclass(frozen=True)
class Keys:
    pki: DemoPki
    resident_ec: Issued  # Jan Kowalski again, with an ECDSA P-256 key

    @property
    def chain(self) -> list[x509.Certificate]:
        return [self.pki.intermediate.cert]


@pytest.fixture(scope="module")
def keys() -> Keys:
    demo = pki_module.generate_demo()
    resident_ec = pki_module.issue_signer(demo.resident.cert.subject, demo.intermediate,
                                          key=pki_module.new_key("ec"))
    return Keys(demo, resident_ec)


@pytest.fixture(scope="module")
def verifier(keys: Keys) -> Verifier:
    return Verifier(TrustStore.from_pem(keys.pki.trust_bundle()))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _codes(report: VerificationReport) -> list[str]:
    return [reason.code for reason in report.signature.reasons]


def _assert_rejected_with(report: VerificationReport, code: str, *, alone: bool = False) -> None:
    """Invalid, and `code` explains why. `alone`: for signatures that are sound apart from the one defect
    under test, nothing else may be reported (the user gets the one reason that matters)."""
    assert code in REASONS, f"{code} is not a reason code the report knows"
    assert report.verdict == "invalid", _codes(report)
    assert report.signature.verdict == "invalid"
    if alone:
        assert _codes(report) == [code]
    else:
        assert code in _codes(report), f"expected {code}, got {_codes(report)}"


def _naive_xmldsig_accepts(signed: bytes, keys: Keys, tmp_path: Path) -> bool:
    return signing.xmlsec1_verifies(signed, keys.pki.root.cert, keys.chain, tmp_path)


def _signed_xml_only(report: VerificationReport) -> list[bytes]:
    return [signing.c14n(content.xml) for content in report.signature.signed_content if content.xml]


def _xmlsec1(keys: Keys, tmp_path: Path, signer: Issued | None = None, document: bytes = PLAIN_DOCUMENT,
             **template: object) -> bytes:
    signer = signer or keys.pki.resident
    return signing.sign_with_xmlsec1(signing.xades_template(document, signer, **template),  # type: ignore[arg-type]
                                     signer, tmp_path, chain=keys.chain)


def _signxml(keys: Keys, document: bytes = PLAIN_DOCUMENT, **options: bool) -> bytes:
    return signing.sign_with_signxml(document, keys.pki.resident, keys.chain, **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------------
# Acceptance: every independent producer's XAdES-BES is valid and names the resident

Producer = Callable[[Keys, Path], bytes]

PRODUCERS = [
    pytest.param(lambda k, _: signing.sign_with_signxml(PLAIN_DOCUMENT, k.pki.resident, k.chain),
                 "enveloped", id="signxml-rsa-enveloped"),
    pytest.param(lambda k, _: signing.sign_with_signxml(PLAIN_DOCUMENT, k.resident_ec, k.chain, ecdsa=True),
                 "enveloped", id="signxml-ecdsa-enveloped"),
    pytest.param(lambda k, _: signing.sign_with_signxml(PLAIN_DOCUMENT, k.pki.resident, k.chain, enveloping=True),
                 "enveloping", id="signxml-rsa-enveloping"),
    pytest.param(_xmlsec1, "enveloped", id="xmlsec1-rsa-enveloped"),
    pytest.param(lambda k, tmp: _xmlsec1(k, tmp, signer=k.resident_ec), "enveloped", id="xmlsec1-ecdsa-enveloped"),
]


@pytest.mark.parametrize(("produce", "form"), PRODUCERS)
def test_given_a_xades_signature_from_an_independent_tool_when_verified_then_it_is_valid_and_names_jan_kowalski(
        produce: Producer, form: str, keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    report = verifier.verify(produce(keys, tmp_path), policy=STRICT)

    assert report.verdict == "valid", _codes(report)
    assert _codes(report) == []
    signature = report.signature
    assert signature.verdict == "valid"
    assert signature.form == form
    assert signature.signer is not None
    assert (signature.signer.kind, signature.signer.name, signature.signer.pesel) == ("person", "Jan Kowalski", PESEL)
    assert signature.signing_time is not None
    assert abs(signature.signing_time - _now()) < dt.timedelta(minutes=5)
    assert len(signature.signed_content) == 1
    content = signature.signed_content[0]
    assert content.kind == ("document" if form == "enveloped" else "object")
    assert content.xml is not None
    assert signing.c14n(content.xml) == signing.c14n(PLAIN_DOCUMENT)
    assert signing.c14n(content.data()) == signing.c14n(PLAIN_DOCUMENT)
    # The signature itself is not part of the signed content.
    assert not any(etree.QName(el).namespace == DS for el in signing.parse(content.xml.encode()).iter())


def test_given_the_office_seal_when_a_document_is_verified_then_the_signer_is_the_office_with_its_nip(
        keys: Keys, verifier: Verifier) -> None:
    signed = signing.sign_with_signxml(PLAIN_DOCUMENT, keys.pki.seal, keys.chain)

    report = verifier.verify(signed)

    assert report.verdict == "valid", _codes(report)
    assert report.signature.signer is not None
    assert report.signature.signer.kind == "seal"
    assert report.signature.signer.nip == pki_module.DEMO_SEAL_NIP


def test_given_an_enveloped_signature_referencing_the_root_by_id_when_verified_then_it_is_valid(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    # The control for the moved-document wrapping attack below: the same signature, left in place.
    signed = _xmlsec1(keys, tmp_path, document=DOCUMENT, reference_uri="#wniosek-1")

    report = verifier.verify(signed)

    assert report.verdict == "valid", _codes(report)
    assert report.signature.signed_content[0].kind == "document"
    assert _signed_xml_only(report) == [signing.c14n(DOCUMENT)]


# ---------------------------------------------------------------------------------------------------------------
# Tampering after signing


@pytest.mark.parametrize("produce", [
    pytest.param(lambda k, _: _signxml(k), id="signxml-enveloped"),
    pytest.param(lambda k, _: _signxml(k, enveloping=True), id="signxml-enveloping"),
    pytest.param(_xmlsec1, id="xmlsec1-enveloped"),
])
def test_given_one_character_of_the_content_changed_when_verified_then_content_digest_mismatch(
        produce: Producer, keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    tampered = signing.change_text(produce(keys, tmp_path), "<Oplata>17.00", "<Oplata>97.00")

    report = verifier.verify(tampered)

    _assert_rejected_with(report, "content_digest_mismatch")
    assert report.signature.signed_content == []


@pytest.mark.parametrize("produce", [
    pytest.param(lambda k, _: _signxml(k), id="signxml"),
    pytest.param(_xmlsec1, id="xmlsec1"),
])
def test_given_the_signing_time_altered_when_verified_then_signed_properties_digest_mismatch(
        produce: Producer, keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    tampered = signing.set_signing_time(produce(keys, tmp_path), _now() - dt.timedelta(hours=6))

    report = verifier.verify(tampered)

    _assert_rejected_with(report, "signed_properties_digest_mismatch")


def test_given_signed_properties_left_out_of_signed_info_by_the_signer_when_verified_then_not_signed(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    # Cryptographically sound (xmlsec1 signed it that way), but the XAdES properties are not covered.
    signed = _xmlsec1(keys, tmp_path, sign_properties=False)

    report = verifier.verify(signed)

    _assert_rejected_with(report, "signed_properties_not_signed", alone=True)


def test_given_the_signed_properties_reference_removed_after_signing_when_verified_then_not_signed(
        keys: Keys, verifier: Verifier) -> None:
    tampered = signing.drop_signed_properties_reference(_signxml(keys))

    report = verifier.verify(tampered)

    _assert_rejected_with(report, "signed_properties_not_signed")


def test_given_all_xades_properties_stripped_after_signing_when_verified_then_xades_properties_missing(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    tampered = signing.drop_qualifying_properties(_xmlsec1(keys, tmp_path))

    report = verifier.verify(tampered)

    _assert_rejected_with(report, "xades_properties_missing")


def test_given_a_plain_xmldsig_signature_when_verified_then_xades_properties_missing(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    signed = _xmlsec1(keys, tmp_path, with_xades=False)

    report = verifier.verify(signed)

    _assert_rejected_with(report, "xades_properties_missing", alone=True)


def test_given_the_certificate_swapped_for_one_with_the_same_key_and_another_subject_then_certificate_mismatch(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    # Same key, same CA, another person: the signature value still checks out with the new certificate, only
    # the SigningCertificateV2 digest in the signed properties gives the substitution away. (xmlsec1 output:
    # its KeyInfo is not itself signed, unlike signxml's.)
    impostor = pki_module.issue_signer(
        pki_module.name("Anna Nowak", given_name="Anna", surname="Nowak", serial_number="PNOPL-02070803628"),
        keys.pki.intermediate, key=keys.pki.resident.key)
    tampered = signing.swap_certificate(_xmlsec1(keys, tmp_path), impostor.cert)
    assert _naive_xmldsig_accepts(tampered, keys, tmp_path)  # XML-DSig alone cannot tell

    report = verifier.verify(tampered)

    _assert_rejected_with(report, "signing_certificate_mismatch", alone=True)


# ---------------------------------------------------------------------------------------------------------------
# Certificates and trust


def test_given_a_signer_under_an_unknown_root_when_verified_then_intact_untrusted_and_signer_still_named(
        keys: Keys, verifier: Verifier) -> None:
    stranger = pki_module.generate_demo()
    signed = signing.sign_with_signxml(PLAIN_DOCUMENT, stranger.resident, [stranger.intermediate.cert])

    report = verifier.verify(signed)

    assert report.verdict == "intact_untrusted"
    assert report.signature.verdict == "intact_untrusted"
    assert _codes(report) == ["chain_untrusted"]
    assert report.signature.signer is not None
    assert (report.signature.signer.name, report.signature.signer.pesel) == ("Jan Kowalski", PESEL)


def test_given_a_certificate_that_expired_when_verified_then_invalid_certificate_expired(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    # The demo CAs only became valid yesterday, so the expired certificate lived inside their validity:
    # from yesterday to tomorrow. It signed today; STRICT judges it a month later, when it has expired.
    now = _now()
    short_lived = pki_module.issue_signer(keys.pki.resident.cert.subject, keys.pki.intermediate,
                                          not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=1))
    signed = _xmlsec1(keys, tmp_path, signer=short_lived, signing_time=now)

    report = verifier.verify(signed, policy=STRICT, now=now + dt.timedelta(days=30))

    _assert_rejected_with(report, "certificate_expired", alone=True)
    assert "chain_untrusted" not in _codes(report)


def test_given_a_certificate_without_signing_key_usage_when_verified_then_key_usage_not_allowed(
        keys: Keys, verifier: Verifier) -> None:
    encipher_only = pki_module.issue_signer(keys.pki.resident.cert.subject, keys.pki.intermediate,
                                            non_repudiation=False, digital_signature=False)
    signed = signing.sign_with_signxml(PLAIN_DOCUMENT, encipher_only, keys.chain)

    report = verifier.verify(signed)

    _assert_rejected_with(report, "key_usage_not_allowed", alone=True)


def test_given_a_signing_time_in_the_future_when_verified_then_signing_time_in_future(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    signed = _xmlsec1(keys, tmp_path, signing_time=_now() + dt.timedelta(days=1))

    report = verifier.verify(signed)

    _assert_rejected_with(report, "signing_time_in_future", alone=True)


# ---------------------------------------------------------------------------------------------------------------
# Signature wrapping and identifier games


@pytest.mark.parametrize("hide_in", ["wrapper", "fake_object"])
def test_given_the_signed_object_moved_and_a_fake_object_in_its_place_when_verified_then_target_forbidden(
        hide_in: str, keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    signed = _signxml(keys, enveloping=True)
    wrapped = signing.wrap_enveloping_object(signed, FAKE_DOCUMENT, hide_in=hide_in)
    assert _naive_xmldsig_accepts(wrapped, keys, tmp_path)  # every digest still matches: a real attack

    report = verifier.verify(wrapped)

    _assert_rejected_with(report, "reference_target_forbidden", alone=True)
    assert not any(FAKE_TEXT in (content.xml or "") for content in report.signature.signed_content)


@pytest.mark.parametrize("move_signature", [False, True], ids=["signature-inside", "signature-lifted-out"])
def test_given_the_signed_document_moved_under_a_fake_root_when_verified_then_target_forbidden(
        move_signature: bool, keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    signed = _xmlsec1(keys, tmp_path, document=DOCUMENT, reference_uri="#wniosek-1")
    wrapped = signing.wrap_enveloped_document(signed, FAKE_DOCUMENT, move_signature=move_signature)
    assert _naive_xmldsig_accepts(wrapped, keys, tmp_path)  # every digest still matches: a real attack

    report = verifier.verify(wrapped)

    _assert_rejected_with(report, "reference_target_forbidden", alone=True)
    assert not any(FAKE_TEXT in (content.xml or "") for content in report.signature.signed_content)


def test_given_a_second_element_with_the_signed_properties_id_when_verified_then_duplicate_id(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    tampered = signing.duplicate_signed_properties(_xmlsec1(keys, tmp_path), _now() - dt.timedelta(days=30))

    report = verifier.verify(tampered)

    _assert_rejected_with(report, "duplicate_id")


# ---------------------------------------------------------------------------------------------------------------
# Forbidden references, transforms and algorithms


def test_given_a_reference_to_a_local_file_when_verified_then_reference_external(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    tampered = signing.redirect_content_reference(_xmlsec1(keys, tmp_path), "file:///etc/passwd")

    report = verifier.verify(tampered)

    _assert_rejected_with(report, "reference_external")


def test_given_an_xslt_transform_when_verified_then_transform_forbidden(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    # xmlsec1 signs with the stylesheet for real: the signature is cryptographically sound.
    signed = _xmlsec1(keys, tmp_path, transforms=[xades.ENVELOPED, signing.XSLT])

    report = verifier.verify(signed)

    _assert_rejected_with(report, "transform_forbidden", alone=True)


def test_given_an_rsa_sha1_signature_when_verified_then_signature_method_forbidden(
        keys: Keys, verifier: Verifier, tmp_path: Path) -> None:
    signed = _xmlsec1(keys, tmp_path, signature_method=signing.RSA_SHA1)

    report = verifier.verify(signed)

    _assert_rejected_with(report, "signature_method_forbidden", alone=True)


# ---------------------------------------------------------------------------------------------------------------
# Inputs refused before any signature is looked at

_XXE = '<!DOCTYPE Wniosek [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
_LAUGHS = ("<!DOCTYPE Wniosek [<!ENTITY lol \"lol\">"
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                     for i in range(1, 10))
           + "]>")


@pytest.mark.parametrize(("doctype", "entity"), [
    pytest.param("<!DOCTYPE Wniosek>", None, id="doctype"),
    pytest.param(_XXE, "x", id="xxe-file-etc-passwd"),
    pytest.param(_LAUGHS, "lol9", id="billion-laughs"),
])
def test_given_a_signed_document_with_a_doctype_when_verified_then_refused_as_doctype_forbidden(
        doctype: str, entity: str | None, keys: Keys, verifier: Verifier) -> None:
    signed = _signxml(keys)
    if entity:
        signed = signing.insert_entity_reference(signed, entity)
    data = signing.with_doctype(signed, doctype)

    with pytest.raises(UnreadableDocument) as refused:
        verifier.verify(data)

    assert refused.value.code == "doctype_forbidden"
    assert refused.value.message


def test_given_a_document_over_the_size_limit_when_verified_then_refused_as_xml_too_large(
        keys: Keys) -> None:
    signed = _signxml(keys)
    small = Verifier(TrustStore.from_pem(keys.pki.trust_bundle()), max_bytes=len(signed) - 1)

    with pytest.raises(UnreadableDocument) as refused:
        small.verify(signed)

    assert refused.value.code == "xml_too_large"


@pytest.mark.parametrize("data", [
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", id="pdf"),
    pytest.param(b"", id="empty"),
    pytest.param(DOCUMENT[:-20], id="truncated-xml"),
])
def test_given_bytes_that_are_not_xml_when_verified_then_refused_as_xml_malformed(
        data: bytes, verifier: Verifier) -> None:
    with pytest.raises(UnreadableDocument) as refused:
        verifier.verify(data)

    assert refused.value.code == "xml_malformed"


def test_given_xml_without_a_signature_when_verified_then_refused_as_signature_missing(verifier: Verifier) -> None:
    with pytest.raises(UnreadableDocument) as refused:
        verifier.verify(DOCUMENT)

    assert refused.value.code == "signature_missing"


# ---------------------------------------------------------------------------------------------------------------
# Profil Zaufany: the person is named in the signed properties, the certificate is the service's


@pytest.fixture(scope="module")
def profil_zaufany_service(keys: Keys) -> Issued:
    return pki_module.issue_signer(
        pki_module.name("Profil Zaufany (demo)", organization="Ministerstwo Cyfryzacji (demo)",
                        organization_identifier="VATPL-5252924222"),
        keys.pki.intermediate)


@pytest.mark.parametrize("block", [
    pytest.param(lambda: signing.profil_zaufany_old(first_name="Jan", surname="Kowalski", pesel=PESEL,
                                                    epuap_account="jkowalski"), id="old-ppzp-format"),
    pytest.param(lambda: signing.profil_zaufany_new(first_name="Jan", surname="Kowalski", pesel=PESEL,
                                                    date_of_birth="1944-05-14", issuer="login.gov.pl",
                                                    issued_at="2024-03-01T10:15:00.000+01:00"),
                 id="new-epsignature-format"),
])
def test_given_a_profil_zaufany_signature_when_verified_then_the_person_is_read_from_the_signed_block(
        block: Callable[[], etree._Element], keys: Keys, verifier: Verifier, profil_zaufany_service: Issued) -> None:
    signed = signing.sign_with_signxml(PLAIN_DOCUMENT, profil_zaufany_service, keys.chain, claimed_roles=[block()])

    report = verifier.verify(signed)

    assert report.verdict == "valid", _codes(report)
    signer = report.signature.signer
    assert signer is not None
    assert (signer.kind, signer.name, signer.pesel) == ("profil_zaufany", "Jan Kowalski", PESEL)
    assert _signed_xml_only(report) == [signing.c14n(PLAIN_DOCUMENT)]


def test_given_a_utf16_document_with_a_doctype_when_verified_then_refused_as_doctype_forbidden(
        verifier: Verifier) -> None:
    # The byte scan cannot see "<!DOCTYPE" in UTF-16; the check after parsing must.
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'.encode("utf-16")

    with pytest.raises(UnreadableDocument) as refused:
        verifier.verify(data)

    assert refused.value.code == "doctype_forbidden"


def test_given_an_xml_id_equal_to_the_signed_object_id_when_verified_then_duplicate_id(
        keys: Keys, verifier: Verifier) -> None:
    # libxml2 treats xml:id as an ID on its own: an attacker's xml:id must not shadow the signed element.
    signed = signing.sign_with_signxml(PLAIN_DOCUMENT, keys.pki.resident, keys.chain, enveloping=True)
    root = etree.fromstring(signed)
    object_id = next(o.get("Id") for o in root.iter(f"{{{xades.DS}}}Object") if o.get("Id"))
    etree.SubElement(root, f"{{{xades.DS}}}Object").set("{http://www.w3.org/XML/1998/namespace}id", object_id)

    report = verifier.verify(etree.tostring(root))

    assert report.verdict == "invalid"
    assert [r.code for r in report.signature.reasons] == ["duplicate_id"]


def test_given_the_epuap_block_when_verified_then_the_epuap_account_is_reported(
        keys: Keys, verifier: Verifier, profil_zaufany_service: Issued) -> None:
    block = signing.profil_zaufany_old(first_name="Jan", surname="Kowalski", pesel=PESEL, epuap_account="jkowalski")
    signed = signing.sign_with_signxml(PLAIN_DOCUMENT, profil_zaufany_service, keys.chain, claimed_roles=[block])

    signer = verifier.verify(signed).signature.signer

    assert signer is not None
    assert (signer.kind, signer.epuap_account) == ("profil_zaufany", "jkowalski")


def test_given_an_identity_block_outside_what_is_signed_when_verified_then_it_is_ignored(
        keys: Keys, verifier: Verifier) -> None:
    # Anyone can add an unsigned ds:Object after signing; an identity in it must not name the signer.
    signed = signing.sign_with_signxml(PLAIN_DOCUMENT, keys.pki.resident, keys.chain)
    root = etree.fromstring(signed)
    signature = root.find(f"{{{xades.DS}}}Signature")
    assert signature is not None
    etree.SubElement(signature, f"{{{xades.DS}}}Object").append(
        signing.profil_zaufany_old(first_name="Anna", surname="Nowak", pesel="02070803628", epuap_account="anowak"))

    report = verifier.verify(etree.tostring(root))

    assert report.verdict == "valid", _codes(report)
    signer = report.signature.signer
    assert signer is not None
    assert (signer.kind, signer.name, signer.pesel) == ("person", "Jan Kowalski", "44051401359")
