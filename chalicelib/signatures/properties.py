"""XAdES signed properties: the declared signing time and the binding of the signing certificate
(SigningCertificateV2 or SigningCertificate: its digest, issuer and serial number)."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from chalicelib.signatures import xades as xs

CLOCK_SKEW = dt.timedelta(minutes=5)


def check_signed_properties(signed_properties: etree._Element, leaf: x509.Certificate, allow_legacy: bool,
                            now: dt.datetime, add: Callable[..., None]) -> dt.datetime | None:
    """The signing time and the SigningCertificate(V2) binding; problems go to `add(code, detail)`."""
    properties = signed_properties.find(xs.xades("SignedSignatureProperties"))
    if properties is None:
        add("signing_certificate_reference_missing")
        return None
    signing_time = _signing_time(properties, now, add)

    holder = properties.find(xs.xades("SigningCertificateV2"))
    if holder is None:
        holder = properties.find(xs.xades("SigningCertificate"))
    if holder is None:
        add("signing_certificate_reference_missing")
        return signing_time
    der = leaf.public_bytes(serialization.Encoding.DER)
    for cert in holder.findall(xs.xades("Cert")):
        method_node = cert.find(f"{xs.xades('CertDigest')}/{xs.ds('DigestMethod')}")
        method = (method_node.get("Algorithm") if method_node is not None else None) or ""
        value = "".join((cert.findtext(f"{xs.xades('CertDigest')}/{xs.ds('DigestValue')}") or "").split())
        if method not in xs.DIGESTS:
            continue
        if base64.b64encode(xs.digest(method, der)).decode() != value:
            continue
        if method in xs.WEAK_DIGESTS and not allow_legacy:
            add("digest_method_forbidden", method)
        if not _issuer_serial_matches(cert, leaf):
            add("signing_certificate_issuer_serial_mismatch")
        return signing_time
    add("signing_certificate_mismatch")
    return signing_time


def _signing_time(properties: etree._Element, now: dt.datetime, add: Callable[..., None]) -> dt.datetime | None:
    text = properties.findtext(xs.xades("SigningTime"))
    if text is None:
        add("signing_time_missing")
        return None
    try:
        signing_time = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        add("signing_time_malformed", text.strip())
        return None
    if signing_time.tzinfo is None:
        signing_time = signing_time.replace(tzinfo=dt.UTC)
    if signing_time > now + CLOCK_SKEW:
        add("signing_time_in_future", signing_time.isoformat())
    return signing_time


def _issuer_serial_matches(cert_ref: etree._Element, leaf: x509.Certificate) -> bool:
    v2 = cert_ref.findtext(xs.xades("IssuerSerialV2"))
    if v2 is not None:
        return "".join(v2.split()) == xs.issuer_serial_v2(leaf)
    v1 = cert_ref.find(xs.xades("IssuerSerial"))
    if v1 is None:
        return True  # both parts are optional in XAdES; the certificate digest already binds the certificate
    try:
        serial_ok = int((v1.findtext(xs.ds("X509SerialNumber")) or "").strip()) == leaf.serial_number
    except ValueError:
        return False
    return serial_ok and _same_name(v1.findtext(xs.ds("X509IssuerName")) or "", leaf.issuer)


_NAME_ALIASES = {
    "SERIALNUMBER": x509.NameOID.SERIAL_NUMBER, "GIVENNAME": x509.NameOID.GIVEN_NAME, "G": x509.NameOID.GIVEN_NAME,
    "SN": x509.NameOID.SURNAME, "SURNAME": x509.NameOID.SURNAME, "E": x509.NameOID.EMAIL_ADDRESS,
    "EMAILADDRESS": x509.NameOID.EMAIL_ADDRESS, "ORGANIZATIONIDENTIFIER": x509.NameOID.ORGANIZATION_IDENTIFIER,
    "S": x509.NameOID.STATE_OR_PROVINCE_NAME, "T": x509.NameOID.TITLE,
}


def _name_key(name: x509.Name) -> list[tuple[str, str]]:
    return sorted((a.oid.dotted_string, str(a.value).strip().casefold()) for a in name)


def _same_name(text: str, name: x509.Name) -> bool:
    # Producers write ", " between attributes (as Java and .NET print names); RFC 4514 has no spaces there.
    compact = re.sub(r"(?<!\\),\s+", ",", text.strip())
    try:
        parsed = x509.Name.from_rfc4514_string(compact, _NAME_ALIASES)
    except ValueError:
        return " ".join(text.split()).casefold() == name.rfc4514_string().casefold()
    return _name_key(parsed) == _name_key(name)
