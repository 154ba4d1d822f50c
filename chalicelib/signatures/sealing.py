"""The office's electronic seal: XAdES-BES enveloped signatures over its own XML (receipts, letters,
delivery evidence), with the certificate chain, SigningTime and SigningCertificateV2."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from chalicelib.signatures import xades as xs


class OfficeSeal:
    def __init__(self, key_pem: bytes, chain_pem: bytes) -> None:
        self.chain = x509.load_pem_x509_certificates(chain_pem)
        key = serialization.load_pem_private_key(key_pem, password=None)
        if isinstance(key, rsa.RSAPrivateKey):
            self._method, self._method_uri = xmlsec.constants.TransformRsaSha256, xs.RSA_SHA256
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            self._method, self._method_uri = xmlsec.constants.TransformEcdsaSha256, xs.ECDSA_SHA256
        else:
            raise ValueError("The office seal key must be RSA or ECDSA.")
        if key.public_key().public_numbers() != self.certificate.public_key().public_numbers():  # type: ignore[union-attr]
            raise ValueError("The office seal key does not belong to the first certificate of the chain.")
        self._key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]

    def seal(self, document: etree._Element, *, signing_time: dt.datetime) -> bytes:
        """Append an enveloped XAdES-BES signature to `document` and return the sealed XML (UTF-8)."""
        sig_id = f"pieczec-{uuid.uuid4()}"
        props_id, ref_id = f"{sig_id}-wlasciwosci", f"{sig_id}-dokument"
        signature = etree.SubElement(document, xs.ds("Signature"), {"Id": sig_id}, nsmap={"ds": xs.DS})
        signed_info = etree.SubElement(signature, xs.ds("SignedInfo"))
        etree.SubElement(signed_info, xs.ds("CanonicalizationMethod"), Algorithm=xs.EXC_C14N)
        etree.SubElement(signed_info, xs.ds("SignatureMethod"), Algorithm=self._method_uri)
        _reference(signed_info, "", ref_id, None, (xs.ENVELOPED, xs.EXC_C14N))
        _reference(signed_info, f"#{props_id}", None, xs.SIGNED_PROPERTIES_TYPE, (xs.EXC_C14N,))
        etree.SubElement(signature, xs.ds("SignatureValue"))
        x509_data = etree.SubElement(etree.SubElement(signature, xs.ds("KeyInfo")), xs.ds("X509Data"))
        for cert in self.chain:
            etree.SubElement(x509_data, xs.ds("X509Certificate")).text = base64.b64encode(
                cert.public_bytes(serialization.Encoding.DER)).decode()
        qualifying = etree.SubElement(etree.SubElement(signature, xs.ds("Object")), xs.xades("QualifyingProperties"),
                                      {"Target": f"#{sig_id}"}, nsmap={"xades": xs.XADES})
        signed_props = etree.SubElement(qualifying, xs.xades("SignedProperties"), Id=props_id)
        sig_props = etree.SubElement(signed_props, xs.xades("SignedSignatureProperties"))
        etree.SubElement(sig_props, xs.xades("SigningTime")).text = (
            signing_time.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"))
        cert_ref = etree.SubElement(etree.SubElement(sig_props, xs.xades("SigningCertificateV2")), xs.xades("Cert"))
        cert_digest = etree.SubElement(cert_ref, xs.xades("CertDigest"))
        etree.SubElement(cert_digest, xs.ds("DigestMethod"), Algorithm=xs.SHA256)
        etree.SubElement(cert_digest, xs.ds("DigestValue")).text = base64.b64encode(
            self.certificate.fingerprint(hashes.SHA256())).decode()
        etree.SubElement(cert_ref, xs.xades("IssuerSerialV2")).text = xs.issuer_serial_v2(self.certificate)
        data_format = etree.SubElement(etree.SubElement(signed_props, xs.xades("SignedDataObjectProperties")),
                                       xs.xades("DataObjectFormat"), ObjectReference=f"#{ref_id}")
        etree.SubElement(data_format, xs.xades("MimeType")).text = "text/xml"

        context = xmlsec.SignatureContext()
        context.register_id(signed_props, "Id")
        context.key = self._key
        context.sign(signature)
        return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


def _reference(signed_info: etree._Element, uri: str, ref_id: str | None, ref_type: str | None,
               transforms: tuple[str, ...]) -> None:
    attributes = {"URI": uri}
    if ref_id:
        attributes["Id"] = ref_id
    if ref_type:
        attributes["Type"] = ref_type
    reference = etree.SubElement(signed_info, xs.ds("Reference"), attributes)
    container = etree.SubElement(reference, xs.ds("Transforms"))
    for algorithm in transforms:
        etree.SubElement(container, xs.ds("Transform"), Algorithm=algorithm)
    etree.SubElement(reference, xs.ds("DigestMethod"), Algorithm=xs.SHA256)
    etree.SubElement(reference, xs.ds("DigestValue"))
