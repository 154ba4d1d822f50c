"""XAdES-BES/EPES verification: the structural limits (limits.py) right after parsing, structure and policy
next, then python-xmlsec's cryptographic check, then the XAdES binding (SignedProperties, SigningCertificate),
the certificate and its chain to the trust store.

Only what the signature covers is returned as signed content (the document root, signature removed, or the
signature's own Object), so the application never reads unsigned data.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from lxml import etree

from chalicelib.core.clock import get_clock
from chalicelib.signatures import xades as xs
from chalicelib.signatures.coverage import Kind, Reference, diagnose, signed_content
from chalicelib.signatures.identity import signer_from_certificate, signer_from_profil_zaufany
from chalicelib.signatures.limits import DEFAULT_LIMITS, Limits
from chalicelib.signatures.properties import CLOCK_SKEW, check_signed_properties
from chalicelib.signatures.report import (
    CertificateInfo,
    Reason,
    SignatureReport,
    Verdict,
    VerificationReport,
    verdict_of,
)
from chalicelib.signatures.trust import TrustStore
from chalicelib.signatures.xmlsafe import UnreadableDocument, parse_untrusted

ID_ATTRIBUTES = ("Id", "ID", "id")
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
# XPath Filter 2.0 expressions that only take signatures out of the document (the enveloped idiom).
_SIGNATURE_SUBTRACTIONS = frozenset({
    "/descendant::ds:Signature",
    "/descendant::*[name()='ds:Signature']",
    "here()/ancestor::ds:Signature[1]",
})


@dataclass(frozen=True)
class Policy:
    name: Literal["strict", "archival"]
    # Older documents (before SHA-2 was required) may use SHA-1 digests and the XPath Filter 2.0 form of an
    # enveloped signature; they are acceptable only when checking an archive, never for new submissions.
    allow_legacy: bool
    # Strict: the certificate must be valid now. Archival: at the time the signer declared.
    validate_at_signing_time: bool


STRICT = Policy("strict", allow_legacy=False, validate_at_signing_time=False)
ARCHIVAL = Policy("archival", allow_legacy=True, validate_at_signing_time=True)


@dataclass
class _Signature:
    element: etree._Element
    reasons: list[Reason] = field(default_factory=list)
    refs: list[Reference] = field(default_factory=list)
    signed_properties: etree._Element | None = None

    def add(self, code: str, detail: str | None = None) -> None:
        self.reasons.append(Reason.of(code, detail))

    @property
    def broken(self) -> bool:
        return any(r.severity == "broken" for r in self.reasons)


class Verifier:
    def __init__(self, trust: TrustStore, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.trust = trust
        self.max_bytes = max_bytes
        self.limits = limits

    def verify(self, data: bytes, policy: Policy = STRICT, now: dt.datetime | None = None) -> VerificationReport:
        now = now or get_clock().now()
        tree = parse_untrusted(data, max_bytes=self.max_bytes)
        root = tree.getroot()
        self.limits.check(root, data)  # before any canonicalisation: refused documents cost only the parse
        signatures = [s for s in root.iter(xs.ds("Signature"))
                      if not any(a.tag == xs.ds("Signature") for a in s.iterancestors())]
        if not signatures:
            raise UnreadableDocument("signature_missing",
                                     "Dokument nie zawiera podpisu elektronicznego (ds:Signature).")

        ids, duplicates = _collect_ids(root)
        if duplicates:
            reports = [_report(_Signature(s, [Reason.of("duplicate_id", ", ".join(sorted(duplicates)))]))
                       for s in signatures]
        else:
            xmlsec.tree.add_ids(root, list(ID_ATTRIBUTES))
            reports = [self._verify_one(_Signature(s), root, ids, policy, now) for s in signatures]
        worst = max((r.verdict for r in reports), key=_VERDICT_ORDER.index)
        return VerificationReport(verdict=worst, policy=policy.name, verified_at=now, signatures=reports)

    def _verify_one(self, sig: _Signature, root: etree._Element, ids: dict[str, etree._Element],
                    policy: Policy, now: dt.datetime) -> SignatureReport:
        report = SignatureReport(signature_id=sig.element.get("Id"), verdict=Verdict.INVALID)
        signed_info = sig.element.find(xs.ds("SignedInfo"))
        if signed_info is None or sig.element.find(xs.ds("SignatureValue")) is None:
            sig.add("signature_malformed")
            return _report(sig, report)
        report.canonicalization = _algorithm(signed_info, xs.ds("CanonicalizationMethod"))
        report.signature_method = _algorithm(signed_info, xs.ds("SignatureMethod"))
        if report.canonicalization not in xs.CANONICALIZATIONS:
            sig.add("canonicalization_forbidden", report.canonicalization)
        if report.signature_method not in xs.SIGNATURE_METHODS:
            sig.add("signature_method_forbidden", report.signature_method)

        _read_signed_properties(sig)
        _read_references(sig, signed_info, root, ids, policy)
        report.digest_methods = sorted({r.digest_method for r in sig.refs if r.digest_method})

        leaf, others = _signing_certificate(sig)
        if leaf is not None:
            report.certificate = _certificate_info(leaf)
            report.signer = signer_from_certificate(leaf)
        if sig.broken or leaf is None:
            return _report(sig, report)  # nothing forbidden reaches the cryptographic library

        if not _cryptographically_sound(sig.element, leaf):
            sig.add(diagnose(sig.element, sig.refs))
            return _report(sig, report)

        assert sig.signed_properties is not None
        signing_time = check_signed_properties(sig.signed_properties, leaf, policy.allow_legacy, now, sig.add)
        report.signing_time = signing_time
        report.chain = self._check_certificate(sig, leaf, others, signing_time=signing_time, policy=policy,
                                               now=now)
        covered = [sig.signed_properties, *(r.target for r in sig.refs if r.kind == "object")]
        report.signer = signer_from_profil_zaufany(covered) or report.signer
        report.form = "enveloped" if any(r.kind == "document" for r in sig.refs) else "enveloping"
        if not sig.broken:  # a broken signature vouches for nothing: no content is handed out
            report.signed_content = [signed_content(sig.element, sig.signed_properties, r) for r in sig.refs
                                     if r.kind in ("document", "object")]
        return _report(sig, report)

    def _check_certificate(self, sig: _Signature, leaf: x509.Certificate, others: list[x509.Certificate], *,
                           signing_time: dt.datetime | None, policy: Policy, now: dt.datetime) -> list[str]:
        not_before, not_after = leaf.not_valid_before_utc, leaf.not_valid_after_utc
        at = signing_time if policy.validate_at_signing_time and signing_time else now
        if at > not_after:
            sig.add("certificate_expired", f"ważny do {not_after.isoformat()}")
        elif at < not_before:
            sig.add("certificate_not_yet_valid", f"ważny od {not_before.isoformat()}")
        if signing_time and not (not_before - CLOCK_SKEW <= signing_time <= not_after):
            sig.add("signing_time_outside_certificate_validity")
        try:
            usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
            if not (usage.digital_signature or usage.content_commitment):
                sig.add("key_usage_not_allowed")
        except x509.ExtensionNotFound:
            pass  # no KeyUsage extension: any use is permitted (RFC 5280)
        # Whether the chain reaches a trusted root is judged inside the leaf's validity, so that an expired
        # certificate is reported as expired and, separately, as trusted or not.
        chain = self.trust.chain(leaf, others, min(max(at, not_before), not_after))
        if chain is None:
            sig.add("chain_untrusted")
            return []
        return [c.subject.rfc4514_string() for c in chain]


_VERDICT_ORDER = [Verdict.VALID, Verdict.INTACT_UNTRUSTED, Verdict.INVALID]


def _report(sig: _Signature, report: SignatureReport | None = None) -> SignatureReport:
    report = report or SignatureReport(signature_id=sig.element.get("Id"), verdict=Verdict.INVALID)
    report.verdict = verdict_of(sig.reasons)
    # One reason per code (the first): the verdict depends on the codes only, and a reason repeated for each
    # of twenty references would tell the user nothing more while growing the report.
    first: dict[str, Reason] = {}
    for reason in sig.reasons:
        first.setdefault(reason.code, reason)
    report.reasons = list(first.values())
    return report


def _algorithm(parent: etree._Element, tag: str) -> str | None:
    node = parent.find(tag)
    return node.get("Algorithm") if node is not None else None


def _collect_ids(root: etree._Element) -> tuple[dict[str, etree._Element], set[str]]:
    ids: dict[str, etree._Element] = {}
    duplicates: set[str] = set()
    # One pass in libxml2. xml:id counts too: libxml2 resolves it as an ID by itself, so an xml:id equal to
    # another element's Id would let xmlsec and this check look at different elements.
    found: Any = root.xpath("//@Id | //@ID | //@id | //@xml:id")
    for value in found:
        key, owner = str(value), value.getparent()
        if key in ids:
            duplicates.add(key)
        ids[key] = owner
    return ids, duplicates


def _read_signed_properties(sig: _Signature) -> None:
    """The SignedProperties of this signature: in its own Object, under QualifyingProperties aimed at it."""
    sig_id = sig.element.get("Id")
    qualifying = [qp for obj in sig.element.findall(xs.ds("Object"))
                  for qp in obj.findall(xs.xades("QualifyingProperties"))]
    own = [qp for qp in qualifying if sig_id and qp.get("Target") == f"#{sig_id}"]
    if not own:
        sig.add("xades_properties_missing", "brak QualifyingProperties wskazujących ten podpis" if qualifying else None)
        return
    signed = [sp for qp in own for sp in qp.findall(xs.xades("SignedProperties"))]
    if len(signed) != 1:
        sig.add("xades_properties_missing" if not signed else "signed_properties_ambiguous")
        return
    sig.signed_properties = signed[0]


def _read_references(sig: _Signature, signed_info: etree._Element, root: etree._Element,
                     ids: dict[str, etree._Element], policy: Policy) -> None:
    key_info = sig.element.find(xs.ds("KeyInfo"))
    for ref in signed_info.findall(xs.ds("Reference")):
        reference = _read_reference(sig, ref, root, ids, key_info, policy=policy)
        if reference is not None:
            sig.refs.append(reference)
    _check_coverage(sig)


def _is_same_document(uri: str) -> bool:
    return uri == "" or (uri.startswith("#") and _NCNAME.match(uri[1:]) is not None)


def _read_reference(sig: _Signature, ref: etree._Element, root: etree._Element, ids: dict[str, etree._Element],
                    key_info: etree._Element | None, *, policy: Policy) -> Reference | None:
    """One Reference, or None with the reason recorded on the signature."""
    uri = ref.get("URI")
    digest_method = _algorithm(ref, xs.ds("DigestMethod")) or ""
    transforms = ref.findall(f"{xs.ds('Transforms')}/{xs.ds('Transform')}")
    _check_algorithms(sig, digest_method, transforms, policy)
    if uri is None or not _is_same_document(uri):
        sig.add("reference_external", uri)
        return None
    target = root if uri == "" else ids.get(uri[1:])
    if target is None:
        sig.add("reference_unresolved", uri)
        return None
    if any(r.target is target for r in sig.refs):  # each reference would canonicalise it again
        sig.add("reference_target_repeated", uri or '""')
        return None
    kind = _target_kind(sig, ref, target, root, key_info)
    if kind is None:
        sig.add("reference_target_forbidden", uri or '""')
        return None
    algorithms = [t.get("Algorithm") or "" for t in transforms]
    return Reference(ref, uri, kind, target, algorithms, digest_method)


def _check_coverage(sig: _Signature) -> None:
    """The SignedProperties are signed exactly once, and something of the document or an Object is signed."""
    if sig.signed_properties is not None:
        covering = [r for r in sig.refs if r.kind == "signed_properties"]
        if not covering:
            sig.add("signed_properties_not_signed")
        elif len(covering) > 1:
            sig.add("signed_properties_ambiguous")
    if not any(r.kind in ("document", "object") for r in sig.refs) and not sig.broken:
        sig.add("signed_content_missing")


def _check_algorithms(sig: _Signature, digest_method: str, transforms: list[etree._Element], policy: Policy) -> None:
    if digest_method not in xs.DIGESTS or (digest_method in xs.WEAK_DIGESTS and not policy.allow_legacy):
        sig.add("digest_method_forbidden", digest_method or None)
    elif digest_method in xs.WEAK_DIGESTS:
        sig.add("weak_digest_accepted")
    algorithms = [t.get("Algorithm") or "" for t in transforms]
    if len(set(algorithms)) < len(algorithms) or sum(a in xs.CANONICALIZATIONS for a in algorithms) > 1:
        sig.add("transform_repeated")  # each one more canonicalisation of everything the reference covers
    for transform in transforms:
        algorithm = transform.get("Algorithm") or ""
        if algorithm in xs.CANONICALIZATIONS or algorithm in {xs.ENVELOPED, xs.BASE64}:
            continue
        if algorithm == xs.XPATH_FILTER2 and policy.allow_legacy and _subtracts_signatures(transform):
            sig.add("xpath_filter_accepted")
            continue
        sig.add("transform_forbidden", algorithm)


def _target_kind(sig: _Signature, ref: etree._Element, target: etree._Element, root: etree._Element,
                 key_info: etree._Element | None) -> Kind | None:
    """Signature wrapping defence: a reference may cover only the document root (which must enclose this
    signature), one of this signature's own Objects, its own SignedProperties or its own KeyInfo."""
    if ref.get("Type") == xs.SIGNED_PROPERTIES_TYPE or target.tag == xs.xades("SignedProperties"):
        return "signed_properties" if target is sig.signed_properties else None
    if target is root:
        return "document" if root is not sig.element else None
    if target.tag == xs.ds("Object") and target.getparent() is sig.element:
        return None if target.find(xs.xades("QualifyingProperties")) is not None else "object"
    if key_info is not None and target is key_info:
        return "key_info"
    return None


def _subtracts_signatures(transform: etree._Element) -> bool:
    expressions = [x for x in transform if isinstance(x.tag, str)]
    return bool(expressions) and all(
        etree.QName(x).localname == "XPath" and x.get("Filter") == "subtract"
        and (x.text or "").strip() in _SIGNATURE_SUBTRACTIONS
        for x in expressions
    )


def _signing_certificate(sig: _Signature) -> tuple[x509.Certificate | None, list[x509.Certificate]]:
    """The certificate that signed: the one end-entity certificate among those in KeyInfo."""
    nodes = sig.element.findall(f"{xs.ds('KeyInfo')}/{xs.ds('X509Data')}/{xs.ds('X509Certificate')}")
    if not nodes:
        sig.add("certificate_missing")
        return None, []
    try:
        certs = [x509.load_der_x509_certificate(base64.b64decode("".join((n.text or "").split()), validate=True))
                 for n in nodes]
    except (ValueError, binascii.Error):
        sig.add("certificate_malformed")
        return None, []
    leaves = certs if len(certs) == 1 else [
        c for c in certs if not _is_ca(c) and not any(o is not c and o.issuer == c.subject for o in certs)]
    if len(leaves) != 1:
        sig.add("certificate_ambiguous")
        return None, []
    return leaves[0], [c for c in certs if c is not leaves[0]]


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


@lru_cache(maxsize=256)
def _xmlsec_key(der: bytes) -> xmlsec.Key:
    return xmlsec.Key.from_memory(der, xmlsec.constants.KeyDataFormatCertDer)


def _cryptographically_sound(signature: etree._Element, leaf: x509.Certificate) -> bool:
    context = xmlsec.SignatureContext()
    context.key = _xmlsec_key(leaf.public_bytes(serialization.Encoding.DER))
    try:
        context.verify(signature)
    except xmlsec.Error:
        return False
    return True


def _certificate_info(cert: x509.Certificate) -> CertificateInfo:
    return CertificateInfo(subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
                           serial_number=str(cert.serial_number), not_before=cert.not_valid_before_utc,
                           not_after=cert.not_valid_after_utc, sha256=cert.fingerprint(hashes.SHA256()).hex())
