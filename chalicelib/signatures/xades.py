"""XML-DSig / XAdES names, the algorithms the office accepts, and the ASN.1 bits XAdES needs."""

from __future__ import annotations

import base64
import hashlib

from cryptography import x509

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
NS = {"ds": DS, "xades": XADES}


def ds(tag: str) -> str:
    return f"{{{DS}}}{tag}"


def xades(tag: str) -> str:
    return f"{{{XADES}}}{tag}"


# Transforms
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
BASE64 = "http://www.w3.org/2000/09/xmldsig#base64"
XPATH_FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_COMMENTS = C14N + "#WithComments"
C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
C14N11_COMMENTS = C14N11 + "#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_COMMENTS = EXC_C14N + "WithComments"
CANONICALIZATIONS = frozenset({C14N, C14N_COMMENTS, C14N11, C14N11_COMMENTS, EXC_C14N, EXC_C14N_COMMENTS})

# Digests: name used by hashlib, keyed by algorithm URI.
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
DIGESTS = {
    SHA1: "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    SHA256: "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
WEAK_DIGESTS = frozenset({SHA1})

# Signature methods the office accepts (no SHA-1, no HMAC, no DSA).
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
SIGNATURE_METHODS = frozenset({
    RSA_SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    ECDSA_SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
})


def digest(algorithm_uri: str, data: bytes) -> bytes:
    return hashlib.new(DIGESTS[algorithm_uri], data).digest()


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(body)) + body


def issuer_serial_v2(cert: x509.Certificate) -> str:
    """Base64 DER of IssuerSerial (RFC 5035): SEQUENCE { GeneralNames { [4] directoryName }, serial }.

    XAdES SigningCertificateV2 carries it; DER is canonical, so the verifier can compare encodings.
    """
    serial = cert.serial_number
    serial_bytes = serial.to_bytes(serial.bit_length() // 8 + 1, "big", signed=True)
    general_names = _der(0x30, _der(0xA4, cert.issuer.public_bytes()))
    return base64.b64encode(_der(0x30, general_names + _der(0x02, serial_bytes))).decode()
