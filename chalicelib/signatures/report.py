"""What a verification says: the verdict, the reasons (machine code + Polish text) and who signed."""

from __future__ import annotations

import base64
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

# The report goes back in one HTTP response (Lambda allows 6 MB) and into the 422 of a refused submission:
# whatever the input, it stays under 1 MiB. Strings copied from the input (ids, URIs, algorithm names,
# details, names from certificates) are cut to TEXT_LIMIT characters; the signed content is left out, with
# `omitted` set, when together it is over CONTENT_LIMIT characters (the document itself is what was sent).
REPORT_LIMIT = 1024 * 1024
TEXT_LIMIT = 200
CONTENT_LIMIT = 384 * 1024
_CONTENT_FIELDS = frozenset({"xml", "data_base64"})


class Verdict(str, Enum):
    VALID = "valid"
    INTACT_UNTRUSTED = "intact_untrusted"  # sound signature, but the chain does not reach a trusted root
    INVALID = "invalid"


# Severity decides the verdict: "broken" makes it invalid; "trust" problems make it invalid under a trusted
# root, or intact_untrusted when the chain is untrusted anyway; "warning" never changes it.
Severity = Literal["broken", "trust", "warning"]

REASONS: dict[str, tuple[Severity, str]] = {
    # Structure and policy
    "signature_malformed": ("broken", "Element podpisu jest niekompletny lub uszkodzony (SignedInfo, SignatureValue, metody)."),
    "signature_method_forbidden": ("broken", "Algorytm podpisu jest niedozwolony (dopuszczalne RSA lub ECDSA z SHA-2)."),
    "digest_method_forbidden": ("broken", "Algorytm skrótu jest niedozwolony (SHA-1 i nieznane algorytmy nie są przyjmowane)."),
    "canonicalization_forbidden": ("broken", "Metoda kanonikalizacji jest niedozwolona."),
    "transform_forbidden": ("broken", "Przekształcenie (Transform) jest niedozwolone; XSLT i XPath nie są przyjmowane."),
    "transform_repeated": ("broken", "Odwołanie powtarza przekształcenie albo kanonikalizację; dopuszczalna jest jedna kanonikalizacja na odwołanie."),
    "reference_external": ("broken", "Podpis odwołuje się do zewnętrznego pliku lub adresu; podpisy zewnętrzne (detached) nie są przyjmowane."),
    "reference_target_forbidden": ("broken", "Podpis obejmuje element, który nie jest ani całym dokumentem, ani obiektem tego podpisu (możliwa podmiana treści, tzw. signature wrapping)."),
    "reference_target_repeated": ("broken", "Podpis obejmuje ten sam element więcej niż jednym odwołaniem."),
    "reference_unresolved": ("broken", "Odwołanie w podpisie wskazuje na element, którego nie ma w dokumencie."),
    "signed_content_missing": ("broken", "Podpis nie obejmuje żadnej treści dokumentu."),
    "xades_properties_missing": ("broken", "To zwykły podpis XML-DSig bez właściwości XAdES (SignedProperties); nie jest przyjmowany."),
    "signed_properties_not_signed": ("broken", "Właściwości podpisu (SignedProperties) nie są objęte podpisem."),
    "signed_properties_ambiguous": ("broken", "Podpis ma więcej niż jedno odwołanie do właściwości podpisu (SignedProperties)."),
    "signing_certificate_reference_missing": ("broken", "We właściwościach podpisu brak wskazania certyfikatu (SigningCertificate lub SigningCertificateV2)."),
    "duplicate_id": ("broken", "Identyfikator (atrybut Id) występuje w dokumencie więcej niż raz."),
    "certificate_missing": ("broken", "Podpis nie zawiera certyfikatu podpisującego (KeyInfo/X509Certificate)."),
    "certificate_malformed": ("broken", "Certyfikat w podpisie jest uszkodzony."),
    "certificate_ambiguous": ("broken", "Nie da się jednoznacznie wskazać certyfikatu podpisującego wśród certyfikatów w podpisie."),
    # Cryptography and XAdES binding
    "content_digest_mismatch": ("broken", "Treść dokumentu została zmieniona po złożeniu podpisu."),
    "signed_properties_digest_mismatch": ("broken", "Właściwości podpisu (np. czas podpisu lub wskazanie certyfikatu) zostały zmienione po złożeniu podpisu."),
    "key_info_digest_mismatch": ("broken", "Podpisane dane certyfikatu (KeyInfo) zostały zmienione po złożeniu podpisu."),
    "signature_value_invalid": ("broken", "Wartość podpisu nie zgadza się z kluczem certyfikatu lub z podpisanymi danymi."),
    "signing_certificate_mismatch": ("broken", "Certyfikat użyty do podpisu nie jest certyfikatem wskazanym w podpisanych właściwościach (SigningCertificate)."),
    "signing_certificate_issuer_serial_mismatch": ("broken", "Wystawca lub numer seryjny certyfikatu nie zgadza się ze wskazaniem w podpisanych właściwościach."),
    "signing_time_in_future": ("broken", "Deklarowany czas złożenia podpisu leży w przyszłości."),
    "signing_time_malformed": ("broken", "Deklarowany czas złożenia podpisu (SigningTime) ma błędny format."),
    # Trust
    "chain_untrusted": ("trust", "Certyfikat podpisującego nie prowadzi do zaufanego urzędu certyfikacji."),
    "certificate_expired": ("trust", "Certyfikat podpisującego wygasł."),
    "certificate_not_yet_valid": ("trust", "Certyfikat podpisującego nie jest jeszcze ważny."),
    "signing_time_outside_certificate_validity": ("trust", "Podpis złożono poza okresem ważności certyfikatu."),
    "key_usage_not_allowed": ("trust", "Certyfikat nie jest przeznaczony do składania podpisów (brak niezaprzeczalności i podpisu cyfrowego w KeyUsage)."),
    # Warnings
    "weak_digest_accepted": ("warning", "Użyto skrótu SHA-1; przyjęte wyłącznie w trybie archiwalnym dla dawnych dokumentów."),
    "xpath_filter_accepted": ("warning", "Użyto filtra XPath 2.0 usuwającego podpis; przyjęte wyłącznie w trybie archiwalnym."),
    "signing_time_missing": ("warning", "Podpis nie deklaruje czasu złożenia (SigningTime); przyjęto czas weryfikacji."),
}


class Reason(BaseModel):
    code: str
    severity: Severity
    message: str
    detail: str | None = None

    @classmethod
    def of(cls, code: str, detail: str | None = None) -> Reason:
        severity, message = REASONS[code]
        return cls(code=code, severity=severity, message=message, detail=detail)


class CertificateInfo(BaseModel):
    subject: str
    issuer: str
    serial_number: str  # decimal, as XAdES writes it
    not_before: datetime
    not_after: datetime
    sha256: str


class Signer(BaseModel):
    # "person" (qualified-style certificate), "seal" (an organisation's seal), "profil_zaufany" (trusted signature)
    kind: Literal["person", "seal", "profil_zaufany"]
    name: str
    given_name: str | None = None
    surname: str | None = None
    pesel: str | None = None
    nip: str | None = None
    organization: str | None = None
    date_of_birth: str | None = None
    epuap_account: str | None = None
    identity_issuer: str | None = None
    identity_issued_at: str | None = None


class SignedContent(BaseModel):
    """One thing the signature covers: the whole document (enveloped) or one of its own Objects."""

    kind: Literal["document", "object"]
    reference_uri: str
    mime_type: str | None = None
    xml: str | None = None  # the covered XML, signature removed
    data_base64: str | None = None  # binary content (base64-encoded Object)
    omitted: bool = False  # true in a report where the content was too large to include (see CONTENT_LIMIT)

    def data(self) -> bytes:
        if self.data_base64 is not None:
            return base64.b64decode(self.data_base64)
        return (self.xml or "").encode()


class SignatureReport(BaseModel):
    signature_id: str | None
    verdict: Verdict
    reasons: list[Reason] = Field(default_factory=list)
    form: Literal["enveloped", "enveloping"] | None = None
    signature_method: str | None = None
    canonicalization: str | None = None
    digest_methods: list[str] = Field(default_factory=list)
    signing_time: datetime | None = None
    signer: Signer | None = None
    certificate: CertificateInfo | None = None
    chain: list[str] = Field(default_factory=list)  # subjects from the signer up to the trusted root
    signed_content: list[SignedContent] = Field(default_factory=list)


class VerificationReport(BaseModel):
    verdict: Verdict
    policy: Literal["strict", "archival"]
    verified_at: datetime
    signatures: list[SignatureReport]

    @property
    def signature(self) -> SignatureReport:
        return self.signatures[0]

    @model_serializer(mode="wrap")
    def _bounded(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Serialised within REPORT_LIMIT: the objects keep everything (a submission reads its content)."""
        data: dict[str, Any] = _clip(handler(self))
        content = sum(len(c.xml or "") + len(c.data_base64 or "") for s in self.signatures for c in s.signed_content)
        if content > CONTENT_LIMIT:
            for signature in data.get("signatures", []):
                for item in signature.get("signed_content", []):
                    item.update(xml=None, data_base64=None, omitted=True)
        return data


def _clip(value: Any, key: str = "") -> Any:
    if isinstance(value, str) and len(value) > TEXT_LIMIT and key not in _CONTENT_FIELDS:
        return value[:TEXT_LIMIT] + "…"
    if isinstance(value, dict):
        return {k: _clip(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_clip(v) for v in value]
    return value


def verdict_of(reasons: list[Reason]) -> Verdict:
    codes = {r.code for r in reasons}
    if any(r.severity == "broken" for r in reasons):
        return Verdict.INVALID
    if "chain_untrusted" in codes:
        return Verdict.INTACT_UNTRUSTED
    if any(r.severity == "trust" for r in reasons):
        return Verdict.INVALID
    return Verdict.VALID
