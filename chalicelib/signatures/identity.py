"""Who signed: from the certificate subject, or from a Profil Zaufany identity block in the signed data."""

from __future__ import annotations

from collections.abc import Iterable

from cryptography import x509
from cryptography.x509.oid import NameOID
from lxml import etree

from chalicelib.signatures.report import Signer

PPZP = "http://crd.gov.pl/xml/schematy/ppzp/"


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value).strip() if values else None


def _after_prefix(value: str | None, *prefixes: str) -> str | None:
    if not value:
        return None
    for prefix in prefixes:
        if value.upper().startswith(prefix):
            return value[len(prefix):].strip()
    return None


def signer_from_certificate(cert: x509.Certificate) -> Signer:
    subject = cert.subject
    serial = _attr(subject, NameOID.SERIAL_NUMBER)
    given, surname = _attr(subject, NameOID.GIVEN_NAME), _attr(subject, NameOID.SURNAME)
    organization = _attr(subject, NameOID.ORGANIZATION_NAME)
    org_id = _attr(subject, NameOID.ORGANIZATION_IDENTIFIER)
    # Qualified certificates: PNOPL-<PESEL> (older: "PESEL:<PESEL>"), TINPL-<NIP>; seals: VATPL-<NIP>.
    pesel = _after_prefix(serial, "PNOPL-", "PESEL:")
    nip = _after_prefix(serial, "TINPL-", "NIP:") or _after_prefix(org_id, "VATPL-", "NTRPL-", "TINPL-")
    common_name = _attr(subject, NameOID.COMMON_NAME)
    is_person = bool(pesel or given or surname) or not (organization or org_id)
    full_name = common_name or " ".join(p for p in (given, surname) if p) or organization or subject.rfc4514_string()
    return Signer(kind="person" if is_person else "seal", name=full_name, given_name=given, surname=surname,
                  pesel=pesel, nip=nip, organization=organization)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _find(element: etree._Element, *path: str) -> etree._Element | None:
    """Descend by local names: names and PESEL are in ePUAP's `os` namespace, the rest in `ppzp`, and the
    new Profil Zaufany format's namespace is not fixed."""
    node: etree._Element | None = element
    for step in path:
        if node is None:
            return None
        node = next((c for c in node if isinstance(c.tag, str) and _local(c) == step), None)
    return node


def _text(element: etree._Element, *path: str) -> str | None:
    node = _find(element, *path)
    return node.text.strip() if node is not None and node.text and node.text.strip() else None


def signer_from_profil_zaufany(signed_nodes: Iterable[etree._Element]) -> Signer | None:
    """The trusted-signature identity, read only from nodes the signature covers."""
    for root in signed_nodes:
        for element in root.iter(f"{{{PPZP}}}PodpisZP"):
            person = _find(element, "DaneZP", "DaneZPOsobyFizycznej")
            if person is not None:
                given, surname = _text(person, "Imie"), _text(person, "Nazwisko")
                # The ePUAP account id sits under DanePodpisu; some producers put it beside the names.
                account = _text(element, "DanePodpisu", "IdKontaUzytkownikaEpuap") or _text(
                    person, "IdKontaUzytkownikaEpuap")
                return Signer(kind="profil_zaufany", name=" ".join(p for p in (given, surname) if p),
                              given_name=given, surname=surname, pesel=_text(person, "PESEL"),
                              epuap_account=account)
        for element in root.iter():
            if isinstance(element.tag, str) and _local(element) == "EPSignature":
                person = _find(element, "NaturalPerson")
                if person is None:
                    continue
                given, surname = _text(person, "FirstName"), _text(person, "CurrentFamilyName")
                return Signer(kind="profil_zaufany", name=" ".join(p for p in (given, surname) if p),
                              given_name=given, surname=surname, pesel=_text(person, "PersonalIdentifier"),
                              date_of_birth=_text(person, "DateOfBirth"),
                              identity_issuer=_text(element, "SignatureData", "IdentityIssuer"),
                              identity_issued_at=_text(element, "SignatureData", "IdentityIssueTimestamp"))
    return None
