"""Hostile inputs to the public verify e-service: each is refused by its structure (422 code naming the bound)
before anything is canonicalised or checked cryptographically, and no report ever grows past 1 MiB.

The inputs come from `tests/hostile_signatures.py` (the same shapes `bench/signatures.py` times). Timing is
never asserted here: the tests assert that the expensive steps are not reached.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from chalicelib.signatures import coverage, pki
from chalicelib.signatures import verifier as verifier_module
from chalicelib.signatures.report import REASONS, Reason, SignatureReport, SignedContent, Verdict, VerificationReport
from chalicelib.signatures.trust import TrustStore
from chalicelib.signatures.verifier import STRICT, Verifier
from chalicelib.signatures.xmlsafe import UnreadableDocument
from tests import hostile_signatures as hostile

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def demo() -> pki.DemoPki:
    return pki.generate_demo()


@pytest.fixture(scope="module")
def verifier(demo: pki.DemoPki) -> Verifier:
    return Verifier(TrustStore.from_pem(demo.trust_bundle()), max_bytes=2 * MIB)


@pytest.fixture(scope="module")
def seal(demo: pki.DemoPki) -> hostile.Seal:
    return hostile.sealer(demo)


@pytest.fixture(scope="module")
def sealed(seal: hostile.Seal) -> bytes:
    return seal(hostile.document(200_000))


@pytest.fixture
def crypto_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every canonicalisation the verifier would do: xmlsec's check, the diagnosis, the content."""
    calls: list[str] = []

    def spy(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(verifier_module, "_cryptographically_sound",
                        spy("xmlsec", verifier_module._cryptographically_sound))
    monkeypatch.setattr(verifier_module, "diagnose", spy("diagnosis", verifier_module.diagnose))
    monkeypatch.setattr(verifier_module, "signed_content", spy("content", verifier_module.signed_content))
    yield calls


def _refused(verifier: Verifier, data: bytes) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as err:
        verifier.verify(data, STRICT)
    return err.value


CASES = [
    pytest.param(lambda s, sealed: hostile.many_references(sealed, 100), "signature_too_complex",
                 "too_many_references", id="100-references"),
    pytest.param(lambda s, sealed: hostile.empty_signatures(15_000), "too_many_signatures",
                 "too_many_signatures", id="15000-empty-signatures"),
    pytest.param(lambda s, sealed: hostile.many_signatures(sealed, 11), "too_many_signatures",
                 "too_many_signatures", id="11-signatures"),
    pytest.param(lambda s, sealed: hostile.many_signatures(s(hostile.document(1_500_000)), 4), "too_many_signatures",
                 "signed_volume_exceeded", id="4-signatures-over-1.1-mib"),
    pytest.param(lambda s, sealed: hostile.deep_nesting(s, 150, padding=1_000), "xml_too_deep", "too_deep",
                 id="150-deep"),
    pytest.param(lambda s, sealed: hostile.many_transforms(sealed, 6), "signature_too_complex",
                 "too_many_transforms", id="8-transforms"),
    pytest.param(lambda s, sealed: hostile.many_certificates(sealed, 11), "signature_too_complex",
                 "too_many_certificates", id="11-certificates"),
    pytest.param(lambda s, sealed: hostile.many_objects(sealed, 10), "signature_too_complex",
                 "too_many_objects", id="11-objects"),
    pytest.param(lambda s, sealed: hostile.many_attributes(sealed, 300), "xml_too_complex", "too_many_attributes",
                 id="300-attributes"),
    pytest.param(lambda s, sealed: hostile.many_namespaces(s, 100), "xml_too_complex", "too_many_namespaces",
                 id="100-namespaces"),
    pytest.param(lambda s, sealed: hostile.deep_nesting(s, 60, padding=1_000_000), "xml_too_complex",
                 "work_exceeded", id="1-mib-60-deep"),
]


@pytest.mark.parametrize(("make", "code", "bound"), CASES)
def test_a_document_over_a_structural_bound_is_refused_before_any_canonicalisation(
        make: Any, code: str, bound: str, seal: hostile.Seal, sealed: bytes, verifier: Verifier,
        crypto_calls: list[str]) -> None:
    data = make(seal, sealed)
    assert len(data) <= 2 * MIB

    refused = _refused(verifier, data)

    assert refused.code == code
    assert [d["code"] for d in refused.details] == [bound]
    assert refused.details[0]["message"]  # Polish, naming the number found and the limit
    assert crypto_calls == []


def test_the_bound_names_the_limit_and_what_was_found(sealed: bytes, verifier: Verifier) -> None:
    refused = _refused(verifier, hostile.many_references(sealed, 100))
    detail = refused.details[0]
    assert detail["field"] == "ds:Signature[1]/ds:Reference"
    assert "102" in detail["message"] and "20" in detail["message"]
    assert "limit 20" in refused.message


def test_a_certificate_too_large_is_refused_before_it_is_read(demo: pki.DemoPki, verifier: Verifier,
                                                                crypto_calls: list[str]) -> None:
    refused = _refused(verifier, hostile.huge_certificate(demo, size=64 * 1024))
    assert (refused.code, refused.details[0]["code"]) == ("signature_too_complex", "certificate_too_large")
    assert crypto_calls == []


def test_references_repeating_one_target_are_invalid_without_reaching_xmlsec(
        sealed: bytes, verifier: Verifier, crypto_calls: list[str]) -> None:
    # Eighteen more copies of the document reference, each with the right digest: within the bound on
    # references, but each one would canonicalise the whole document again
    report = verifier.verify(hostile.many_references(sealed, 18), STRICT)

    assert report.verdict == Verdict.INVALID
    assert "reference_target_repeated" in [r.code for r in report.signature.reasons]
    assert crypto_calls == []


def test_a_second_canonicalisation_in_one_reference_is_invalid_without_reaching_xmlsec(
        sealed: bytes, verifier: Verifier, crypto_calls: list[str]) -> None:
    report = verifier.verify(hostile.many_transforms(sealed, 1), STRICT)

    assert [r.code for r in report.signature.reasons] == ["transform_repeated"]
    assert crypto_calls == []


def test_the_diagnosis_of_a_changed_document_canonicalises_it_once_and_never_copies_it(
        sealed: bytes, verifier: Verifier, monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    canonicalised: list[str] = []
    copies: list[object] = []
    real_octets, real_copy = coverage.referenced_octets, copy.deepcopy
    monkeypatch.setattr(coverage, "referenced_octets",
                        lambda sig, ref: canonicalised.append(ref.uri) or real_octets(sig, ref))
    monkeypatch.setattr(copy, "deepcopy", lambda obj, *a: copies.append(obj) or real_copy(obj, *a))

    report = verifier.verify(sealed.replace(b"strona 1", b"strona 2", 1), STRICT)

    assert [r.code for r in report.signature.reasons] == ["content_digest_mismatch"]
    assert canonicalised == [""]  # the document reference, found changed: the rest is not recomputed
    assert not [c for c in copies if isinstance(c, etree._Element)]  # the 200 KB document is never copied


# --- the report stays under 1 MiB -------------------------------------------------------------------------------

def _size(report: VerificationReport) -> int:
    return len(report.model_dump_json().encode())


def test_input_echoed_in_the_report_is_cut_short(sealed: bytes, verifier: Verifier) -> None:
    # A 0.5 MB reference URI and signing time, both of which the report names
    report = verifier.verify(hostile.long_values(sealed, size=1_000_000), STRICT)

    assert report.verdict == Verdict.INVALID
    assert _size(report) < 64 * 1024
    details = [r["detail"] for r in json.loads(report.model_dump_json())["signatures"][0]["reasons"]]
    assert all(d is None or len(d) <= 201 for d in details)


def test_every_duplicate_id_is_not_listed_in_full(verifier: Verifier) -> None:
    report = verifier.verify(hostile.many_ids(40_000), STRICT)
    assert [r.code for r in report.signature.reasons] == ["duplicate_id"]
    assert _size(report) < 64 * 1024


def test_a_large_signed_document_is_left_out_of_the_report_but_kept_for_the_application(
        seal: hostile.Seal, verifier: Verifier) -> None:
    report = verifier.verify(seal(hostile.document(1_500_000)), STRICT)

    assert report.verdict == Verdict.VALID
    dumped = json.loads(report.model_dump_json())
    content = dumped["signatures"][0]["signed_content"][0]
    assert content["omitted"] is True and content["xml"] is None
    assert len(json.dumps(dumped).encode()) < MIB
    # the submission path reads the objects, not the JSON: it still gets what the signature covers
    assert report.signature.signed_content[0].xml is not None
    assert etree.fromstring(report.signature.signed_content[0].xml.encode()).tag == f"{{{hostile.NS}}}Wniosek"


def test_the_largest_report_the_bounds_allow_is_under_1_mib() -> None:
    # Every field at its largest: ten signatures, every reason with a long detail, long names everywhere
    long = '"\\' * 50_000
    signature = SignatureReport(
        signature_id=long, verdict=Verdict.INVALID,
        reasons=[Reason.of(code, long) for code in REASONS], signature_method=long, canonicalization=long,
        digest_methods=[long] * 20, chain=[long] * 12,
        signed_content=[SignedContent(kind="object", reference_uri=long, mime_type=long, xml=long)
                        for _ in range(20)])
    report = VerificationReport(verdict=Verdict.INVALID, policy="strict", verified_at="2026-12-01T00:00:00Z",
                                signatures=[signature] * 10)

    assert len(report.model_dump_json().encode()) < MIB
    assert len(json.dumps(report.model_dump(mode="json")).encode()) < MIB


# --- the same bounds on the submission path -------------------------------------------------------------------

def test_a_signed_submission_over_a_bound_is_refused_with_its_code_and_nothing_is_stored() -> None:
    from chalicelib.core.errors import Unprocessable
    from tests.unit import fakes
    from tests.unit.test_submission_logic import document_for, letter_data, signed_by_resident, submit_signed

    # Given a letter signed by its applicant, with a hundred more references to the whole document
    p = fakes.ports()
    signed = signed_by_resident(document_for(p, letter_data(p)))
    hostile_copy = hostile.many_references(signed, 100)

    # When it is submitted
    with pytest.raises(Unprocessable) as err:
        submit_signed(p, hostile_copy)

    # Then it is refused (422) with the verifier's code and the bound it broke, and nothing is stored
    assert err.value.status == 422 and err.value.code == "signature_too_complex"
    assert [d["code"] for d in err.value.details] == ["too_many_references"]
    assert p.objects.versions == {} and p.submissions.items == {}
