"""Certificates for the demo and test PKI: a root, a qualified-style intermediate, a resident, an office seal.

The local platform generates one on first run and trusts its root; the tests build their own variants
(expired, untrusted root, same key under another subject) with the same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

DEMO_RESIDENT_PESEL = "44051401359"
DEMO_SEAL_NIP = "8567346215"


@dataclass(frozen=True)
class Issued:
    key: PrivateKey
    cert: x509.Certificate

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def new_key(kind: str = "rsa") -> PrivateKey:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def name(common_name: str, *, organization: str | None = None, serial_number: str | None = None,
         given_name: str | None = None, surname: str | None = None,
         organization_identifier: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "PL")]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if organization_identifier:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, organization_identifier))
    if given_name:
        attrs.append(x509.NameAttribute(NameOID.GIVEN_NAME, given_name))
    if surname:
        attrs.append(x509.NameAttribute(NameOID.SURNAME, surname))
    if serial_number:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def issue_ca(subject: x509.Name, *, issuer: Issued | None = None, key: PrivateKey | None = None,
             days: int = 3650) -> Issued:
    key = key or new_key("ec")
    signer: CertificateIssuerPrivateKeyTypes = issuer.key if issuer else key
    issuer_name = issuer.cert.subject if issuer else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - dt.timedelta(days=1)).not_valid_after(_now() + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return Issued(key, builder.sign(signer, hashes.SHA256()))


def issue_signer(subject: x509.Name, issuer: Issued, *, key: PrivateKey | None = None,
                 not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
                 non_repudiation: bool = True, digital_signature: bool = True) -> Issued:
    """An end-entity certificate for signing: a person's qualified-style certificate or an office seal."""
    key = key or new_key("rsa")
    not_before = not_before or _now() - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(issuer.cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after or not_before + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=digital_signature, content_commitment=non_repudiation,
                                     key_encipherment=not (digital_signature or non_repudiation),
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return Issued(key, builder.sign(issuer.key, hashes.SHA256()))


@dataclass(frozen=True)
class DemoPki:
    root: Issued
    intermediate: Issued
    resident: Issued  # Jan Kowalski, PESEL in the subject serialNumber as PNOPL-<PESEL>
    seal: Issued  # the platform's office seal

    def trust_bundle(self) -> bytes:
        return self.root.cert_pem()

    def seal_chain(self) -> bytes:
        return self.seal.cert_pem() + self.intermediate.cert_pem()


def generate_demo() -> DemoPki:
    root = issue_ca(name("e-Urząd Demo Root CA", organization="e-Urząd (demo)"))
    intermediate = issue_ca(name("e-Urząd Demo Qualified CA", organization="e-Urząd (demo)"), issuer=root)
    resident = issue_signer(
        name("Jan Kowalski", given_name="Jan", surname="Kowalski", serial_number=f"PNOPL-{DEMO_RESIDENT_PESEL}"),
        intermediate)
    seal = issue_signer(
        name("Pieczęć elektroniczna platformy e-Urząd", organization="Województwo Mazowieckie (demo)",
             organization_identifier=f"VATPL-{DEMO_SEAL_NIP}"),
        intermediate)
    return DemoPki(root, intermediate, resident, seal)


_FILES = ("root", "intermediate", "resident", "seal")


def save_demo(pki: DemoPki, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for label in _FILES:
        issued: Issued = getattr(pki, label)
        (directory / f"{label}.crt.pem").write_bytes(issued.cert_pem())
        key_path = directory / f"{label}.key.pem"
        key_path.write_bytes(issued.key_pem())
        key_path.chmod(0o600)


def load_demo(directory: Path) -> DemoPki:
    def load(label: str) -> Issued:
        key = serialization.load_pem_private_key((directory / f"{label}.key.pem").read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
        return Issued(key, x509.load_pem_x509_certificate((directory / f"{label}.crt.pem").read_bytes()))

    return DemoPki(*(load(label) for label in _FILES))


def ensure_demo(directory: Path) -> DemoPki:
    """The demo PKI in `directory`, generated on first use and reused afterwards."""
    if all((directory / f"{label}.crt.pem").exists() for label in _FILES):
        return load_demo(directory)
    pki = generate_demo()
    save_demo(pki, directory)
    return pki
