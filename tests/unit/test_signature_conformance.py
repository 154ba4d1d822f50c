"""The EU DSS conformance corpus (../shared/conformance/xades): every file gets its expected verdict.

intact/: real signatures whose certificates are not in our trust store: "intact, signer not trusted".
reject/: broken or forbidden signatures: "invalid", each with the reason a clerk would be shown.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from chalicelib.signatures import pki
from chalicelib.signatures.report import Verdict
from chalicelib.signatures.trust import TrustStore
from chalicelib.signatures.verifier import ARCHIVAL, STRICT, Verifier

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "xades"

# Signatures made before SHA-2 was required (2014 plugtests): intact under the archival policy, refused for
# new submissions under the strict one, with the reason.
LEGACY = {
    "Signature-X-BE_ECON-3.xml": "transform_forbidden",  # XPath Filter 2.0 instead of enveloped-signature
    "Signature-X-RO_TRA-15.xml": "digest_method_forbidden",  # SHA-1 reference digest
    "Signature-X-UK_ELD-4.xml": "digest_method_forbidden",
}

REJECT = {
    "Signature-X-HU_MIC-1.xml": "reference_external",  # detached signature over doc.txt
    "XSW-enveloped-fake-signedProperties.xml": "reference_target_forbidden",
    "XSW-enveloping-fake-object.xml": "reference_target_forbidden",
    "dss-signed-altered-refRemoved.xml": "signed_content_missing",
    "dss-signed-altered-signedPropsRemoved.xml": "signed_properties_not_signed",
    "xades-sign-cert-v1-wrong-serialnumber.xml": "signing_certificate_issuer_serial_mismatch",
    "xades-sign-cert-v2-wrong-digest.xml": "signing_certificate_mismatch",
    "xades-sign-cert-v2-wrong-issuer-serial.xml": "signing_certificate_issuer_serial_mismatch",
    "xades-tampered-reference.xml": "content_digest_mismatch",
    "xades-wrong-sign-cert-digest.xml": "signing_certificate_mismatch",
}


@pytest.fixture(scope="module")
def verifier() -> Verifier:
    return Verifier(TrustStore.from_pem(pki.generate_demo().trust_bundle()))


def _files(folder: str) -> list[str]:
    return sorted(p.name for p in (CORPUS / folder).glob("*.xml"))


def _verify(verifier: Verifier, folder: str, name: str, policy):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():  # some real certificates carry slightly malformed policy texts
        warnings.simplefilter("ignore")
        return verifier.verify((CORPUS / folder / name).read_bytes(), policy)


def test_the_corpus_is_there_and_fully_classified() -> None:
    assert len(_files("intact")) == 9
    assert set(_files("reject")) == set(REJECT)


@pytest.mark.parametrize("name", _files("intact"))
def test_intact_signatures_are_intact_but_untrusted_under_the_archival_policy(verifier: Verifier, name: str) -> None:
    report = _verify(verifier, "intact", name, ARCHIVAL)

    assert report.verdict is Verdict.INTACT_UNTRUSTED
    signature = report.signature
    assert "chain_untrusted" in {r.code for r in signature.reasons}
    assert not [r for r in signature.reasons if r.severity == "broken"]
    assert signature.signer is not None and signature.signer.name
    assert signature.signing_time is not None
    assert signature.signed_content and all(c.data() for c in signature.signed_content)


@pytest.mark.parametrize("name", _files("intact"))
def test_intact_signatures_under_the_strict_policy(verifier: Verifier, name: str) -> None:
    report = _verify(verifier, "intact", name, STRICT)

    codes = [r.code for r in report.signature.reasons]
    if name in LEGACY:
        assert report.verdict is Verdict.INVALID
        assert LEGACY[name] in codes
        assert report.signature.signed_content == []
    else:
        assert report.verdict is Verdict.INTACT_UNTRUSTED
        assert "chain_untrusted" in codes


@pytest.mark.parametrize("name", sorted(REJECT))
@pytest.mark.parametrize("policy", [STRICT, ARCHIVAL], ids=["strict", "archival"])
def test_broken_or_forbidden_signatures_are_rejected_with_the_reason(verifier: Verifier, name: str, policy) -> None:  # type: ignore[no-untyped-def]
    report = _verify(verifier, "reject", name, policy)

    assert report.verdict is Verdict.INVALID
    assert REJECT[name] in [r.code for r in report.signature.reasons]
    assert report.signature.signed_content == []
    assert all(r.message for r in report.signature.reasons)
