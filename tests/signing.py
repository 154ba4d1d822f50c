"""Signed XML for the verifier tests, made by tools that share no code with the verifier, and the attacks on it.

Two independent producers:
- signxml (pure Python): XAdES-BES, enveloped or enveloping, RSA or ECDSA;
- the Debian `xmlsec1` command (C, libxmlsec1 + OpenSSL) signing a XAdES-BES template built here.

The mutators take a good signature and turn it into what an attacker (or a careless client) would send. Most of
them break the signature value as a side effect; the verifier is expected to name the structural problem, which
is what the tests assert.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from signxml import methods
from signxml.xades.xades import XAdESSigner

from chalicelib.signatures import xades
from chalicelib.signatures.pki import Issued
from chalicelib.signatures.xades import DS, XADES, ds

XMLSEC1 = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"

RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
OSOBA_NS = "http://crd.gov.pl/xml/schematy/osoba/2009/11/16/"
PPZP_NS = "http://crd.gov.pl/xml/schematy/ppzp/"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def c14n(data: bytes | str) -> bytes:
    """Exclusive canonical form, to compare documents regardless of XML declaration, encoding, attribute order
    and namespace declarations that nothing uses (content cut out of a signature inherits xmlns:ds)."""
    raw = data.encode() if isinstance(data, str) else data
    return etree.tostring(parse(raw), method="c14n", exclusive=True)


# --------------------------------------------------------------------------------------------------------------
# signxml


class _ElementRoleSigner(XAdESSigner):
    """signxml writes each ClaimedRole as text; Profil Zaufany puts an XML identity block there instead."""

    def __init__(self, roles: Sequence[etree._Element | str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._roles = list(roles)

    def add_signer_role(self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any) -> None:
        if not self._roles:
            return
        signer_role = etree.SubElement(signed_signature_properties, xades.xades("SignerRole"))
        claimed_roles = etree.SubElement(signer_role, xades.xades("ClaimedRoles"))
        for role in self._roles:
            claimed_role = etree.SubElement(claimed_roles, xades.xades("ClaimedRole"))
            if isinstance(role, str):
                claimed_role.text = role
            else:
                claimed_role.append(copy.deepcopy(role))


def sign_with_signxml(xml: bytes, signer: Issued, chain: Sequence[x509.Certificate], *, enveloping: bool = False,
                      ecdsa: bool = False, claimed_roles: Sequence[etree._Element | str] | None = None) -> bytes:
    """XAdES-BES by signxml with its defaults (c14n 1.1, SHA-256; SigningCertificateV2 lists the whole chain).

    `chain` is what goes into KeyInfo after the signer's certificate (normally the intermediate).
    Enveloping puts the document into `<ds:Object Id="object">`.
    """
    signer_class = _ElementRoleSigner(
        claimed_roles or [],
        method=methods.enveloping if enveloping else methods.enveloped,
        signature_algorithm="ecdsa-sha256" if ecdsa else "rsa-sha256",
        digest_algorithm="sha256",
    )
    signed = signer_class.sign(parse(xml), key=signer.key, cert=[signer.cert, *chain])
    return serialize(signed)


# --------------------------------------------------------------------------------------------------------------
# xmlsec1


def _signature_method_for(key: object) -> str:
    return xades.ECDSA_SHA256 if isinstance(key, ec.EllipticCurvePrivateKey) else xades.RSA_SHA256


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def xslt_stylesheet() -> etree._Element:
    """A stylesheet that throws the document away: what an XSLT transform in a Reference can do."""
    sheet = etree.Element(f"{{{XSL_NS}}}stylesheet", nsmap={"xsl": XSL_NS}, version="1.0")
    template = etree.SubElement(sheet, f"{{{XSL_NS}}}template", match="/")
    etree.SubElement(template, "Niewinny").text = "to podpisano"
    return sheet


def xades_template(document: bytes, signer: Issued, *, signing_time: dt.datetime | None = None,
                   signature_method: str | None = None, digest_method: str = xades.SHA256,
                   canonicalization: str = xades.EXC_C14N, reference_uri: str = "",
                   transforms: Sequence[str] | None = None, with_xades: bool = True,
                   sign_properties: bool = True, signing_certificate: x509.Certificate | None = None,
                   signature_id: str = "Signature-1") -> bytes:
    """An enveloped XAdES-BES template for `xmlsec1 --sign`: digests and signature value empty, X509Data empty.

    xmlsec1 fills X509Data with the certificates given after the key (signer first). With `with_xades=False`
    it is a plain XML-DSig template; `sign_properties=False` keeps the QualifyingProperties but leaves them
    out of SignedInfo. `signature_method`, `transforms` and `reference_uri` let the attack variants be signed
    by xmlsec1 itself (rsa-sha1, XSLT). `signing_certificate` is the certificate named in SigningCertificateV2
    (the signer's own by default).
    """
    root = parse(document)
    signing_time = signing_time or dt.datetime.now(dt.UTC).replace(microsecond=0)
    signing_certificate = signing_certificate or signer.cert
    transforms = [xades.ENVELOPED, xades.EXC_C14N] if transforms is None else list(transforms)
    properties_id = f"{signature_id}-SignedProperties"

    signature = etree.SubElement(root, ds("Signature"), nsmap={"ds": DS}, Id=signature_id)
    signed_info = _sub(signature, ds("SignedInfo"))
    _sub(signed_info, ds("CanonicalizationMethod"), Algorithm=canonicalization)
    _sub(signed_info, ds("SignatureMethod"), Algorithm=signature_method or _signature_method_for(signer.key))

    reference = _sub(signed_info, ds("Reference"), Id=f"{signature_id}-Reference-1", URI=reference_uri)
    if transforms:
        transforms_node = _sub(reference, ds("Transforms"))
        for algorithm in transforms:
            transform = _sub(transforms_node, ds("Transform"), Algorithm=algorithm)
            if algorithm == XSLT:
                transform.append(xslt_stylesheet())
    _sub(reference, ds("DigestMethod"), Algorithm=digest_method)
    _sub(reference, ds("DigestValue"))

    if with_xades and sign_properties:
        properties_reference = _sub(signed_info, ds("Reference"), URI=f"#{properties_id}",
                                    Type=xades.SIGNED_PROPERTIES_TYPE)
        _sub(_sub(properties_reference, ds("Transforms")), ds("Transform"), Algorithm=xades.EXC_C14N)
        _sub(properties_reference, ds("DigestMethod"), Algorithm=digest_method)
        _sub(properties_reference, ds("DigestValue"))

    _sub(signature, ds("SignatureValue"))
    _sub(_sub(signature, ds("KeyInfo")), ds("X509Data"))

    if with_xades:
        ds_object = _sub(signature, ds("Object"))
        qualifying = etree.SubElement(ds_object, xades.xades("QualifyingProperties"), nsmap={"xades": XADES},
                                      Target=f"#{signature_id}")
        signed_properties = _sub(qualifying, xades.xades("SignedProperties"), Id=properties_id)
        signature_properties = _sub(signed_properties, xades.xades("SignedSignatureProperties"))
        _sub(signature_properties, xades.xades("SigningTime"), signing_time.isoformat().replace("+00:00", "Z"))
        cert = _sub(_sub(signature_properties, xades.xades("SigningCertificateV2")), xades.xades("Cert"))
        cert_digest = _sub(cert, xades.xades("CertDigest"))
        _sub(cert_digest, ds("DigestMethod"), Algorithm=xades.SHA256)
        der = signing_certificate.public_bytes(serialization.Encoding.DER)
        _sub(cert_digest, ds("DigestValue"), base64.b64encode(hashlib.sha256(der).digest()).decode())
        _sub(cert, xades.xades("IssuerSerialV2"), xades.issuer_serial_v2(signing_certificate))
        data_properties = _sub(signed_properties, xades.xades("SignedDataObjectProperties"))
        data_format = _sub(data_properties, xades.xades("DataObjectFormat"),
                           ObjectReference=f"#{signature_id}-Reference-1")
        _sub(data_format, xades.xades("MimeType"), "text/xml")
    return serialize(root)


def sign_with_xmlsec1(template: bytes, signer: Issued, tmp_path: Path,
                      chain: Sequence[x509.Certificate] = ()) -> bytes:
    """Run the Debian `xmlsec1 --sign` on a template; every element carrying an `Id` gets it registered as an ID.

    Only same-document references are enabled: the CLI would happily read `file://` URIs from the disk.
    """
    work = tmp_path / f"xmlsec1-{hashlib.sha256(template).hexdigest()[:12]}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "key.pem").write_bytes(signer.key_pem())
    cert_files = []
    for index, cert in enumerate([signer.cert, *chain]):
        path = work / f"cert{index}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        cert_files.append(str(path))
    (work / "template.xml").write_bytes(template)

    command = [XMLSEC1, "--sign", "--enabled-reference-uris", "empty,same-doc",
               "--privkey-pem", ",".join([str(work / "key.pem"), *cert_files]), *_id_attr_args(template),
               "--output", str(work / "signed.xml"), str(work / "template.xml")]
    result = subprocess.run(command, capture_output=True, check=False, timeout=30)
    if result.returncode != 0:
        raise RuntimeError(f"xmlsec1 refused to sign: {result.stderr.decode(errors='replace')[-2000:]}")
    return (work / "signed.xml").read_bytes()


def xmlsec1_verifies(signed: bytes, trusted_root: x509.Certificate, intermediates: Sequence[x509.Certificate],
                     tmp_path: Path) -> bool:
    """Whether plain `xmlsec1 --verify` (XML-DSig only: digests, signature value, certificate chain) accepts it.

    Shows that an attack document is cryptographically intact, i.e. that only the verifier's structural and
    XAdES rules can stop it. IDs are registered for every element that carries an `Id`, as a naive verifier
    would.
    """
    work = tmp_path / f"xmlsec1-verify-{hashlib.sha256(signed).hexdigest()[:12]}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "root.pem").write_bytes(trusted_root.public_bytes(serialization.Encoding.PEM))
    untrusted: list[str] = []
    for index, cert in enumerate(intermediates):
        path = work / f"intermediate{index}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        untrusted += ["--untrusted-pem", str(path)]
    (work / "signed.xml").write_bytes(signed)
    command = [XMLSEC1, "--verify", "--enabled-reference-uris", "empty,same-doc",
               "--trusted-pem", str(work / "root.pem"), *untrusted, *_id_attr_args(signed), str(work / "signed.xml")]
    return subprocess.run(command, capture_output=True, check=False, timeout=30).returncode == 0


def xmlsec1_as_clerk(document: bytes, root_pem: bytes, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The command a skeptical clerk runs on the office's sealed XML: only the region's root is given; the
    intermediate comes from KeyInfo."""
    work = tmp_path / f"clerk-{hashlib.sha256(document).hexdigest()[:12]}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "sealed.xml").write_bytes(document)
    (work / "root.pem").write_bytes(root_pem)
    return subprocess.run(
        [XMLSEC1, "--verify", "--trusted-pem", str(work / "root.pem"),
         "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", str(work / "sealed.xml")],
        capture_output=True, text=True, check=False, timeout=30)


def _id_attr_args(document: bytes) -> list[str]:
    names = {etree.QName(el) for el in parse(document).iter()
             if isinstance(el.tag, str) and el.get("Id") is not None}
    args: list[str] = []
    for qname in sorted(names, key=lambda q: (q.namespace or "", q.localname)):
        args += ["--id-attr:Id", f"{qname.namespace}:{qname.localname}" if qname.namespace else qname.localname]
    return args


# --------------------------------------------------------------------------------------------------------------
# Finding things in a signature


def _all(root: etree._Element, path: str) -> list[etree._Element]:
    found = root.xpath(path, namespaces=xades.NS)
    assert isinstance(found, list)
    return [element for element in found if isinstance(element, etree._Element)]


def _one(root: etree._Element, path: str) -> etree._Element:
    found = _all(root, path)
    assert found, f"nothing at {path}"
    return found[0]


def _detach(element: etree._Element) -> etree._Element:
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)
    return element


def _signature(root: etree._Element) -> etree._Element:
    return _one(root, "//ds:Signature")


def _signed_properties_reference(signature: etree._Element) -> etree._Element:
    return _one(signature, f"ds:SignedInfo/ds:Reference[@Type='{xades.SIGNED_PROPERTIES_TYPE}']")


def _content_reference(signature: etree._Element) -> etree._Element:
    return _one(signature, f"ds:SignedInfo/ds:Reference[not(@Type='{xades.SIGNED_PROPERTIES_TYPE}')]")


# --------------------------------------------------------------------------------------------------------------
# Mutators: each returns the tampered document


def change_text(signed: bytes, old: str, new: str) -> bytes:
    """Replace one piece of text that occurs exactly once in the signed bytes (e.g. one character of content)."""
    assert signed.count(old.encode()) == 1, f"{old!r} must occur exactly once"
    return signed.replace(old.encode(), new.encode())


def drop_signed_properties_reference(signed: bytes) -> bytes:
    """SignedProperties stay in the Object, but SignedInfo no longer covers them (signature value broken too)."""
    root = parse(signed)
    _detach(_signed_properties_reference(_signature(root)))
    return serialize(root)


def drop_qualifying_properties(signed: bytes) -> bytes:
    """Strip XAdES entirely: the QualifyingProperties Object and the Reference to SignedProperties."""
    root = parse(signed)
    signature = _signature(root)
    _detach(_signed_properties_reference(signature))
    for obj in _all(signature, "ds:Object[xades:QualifyingProperties]"):
        _detach(obj)
    return serialize(root)


def set_signing_time(signed: bytes, when: dt.datetime) -> bytes:
    root = parse(signed)
    _one(root, "//xades:SignedProperties/xades:SignedSignatureProperties/xades:SigningTime").text = (
        when.isoformat().replace("+00:00", "Z"))
    return serialize(root)


def swap_certificate(signed: bytes, cert: x509.Certificate) -> bytes:
    """Put another certificate in place of the signer's in KeyInfo (the first X509Certificate)."""
    root = parse(signed)
    element = _one(_signature(root), "ds:KeyInfo/ds:X509Data/ds:X509Certificate")
    element.text = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    return serialize(root)


def duplicate_signed_properties(signed: bytes, signing_time: dt.datetime) -> bytes:
    """A second element with the SignedProperties' Id, with another SigningTime, in an extra `ds:Object` placed
    before the real one inside the signature (so no content digest changes).

    An Id lookup that takes the first match digests the forged copy, one that takes the last the real one.
    """
    root = parse(signed)
    signature = _signature(root)
    original = _one(signature, "ds:Object/xades:QualifyingProperties")
    forged = copy.deepcopy(original)
    _one(forged, "xades:SignedProperties/xades:SignedSignatureProperties/xades:SigningTime").text = (
        signing_time.isoformat().replace("+00:00", "Z"))
    holder = etree.Element(ds("Object"))
    holder.append(forged)
    original_object = original.getparent()
    assert original_object is not None
    signature.insert(signature.index(original_object), holder)
    return serialize(root)


def set_signature_method(signed: bytes, algorithm: str) -> bytes:
    root = parse(signed)
    _one(_signature(root), "ds:SignedInfo/ds:SignatureMethod").set("Algorithm", algorithm)
    return serialize(root)


def redirect_content_reference(signed: bytes, uri: str) -> bytes:
    """Point the content Reference somewhere else, e.g. `file:///etc/passwd`.

    Built by editing a signed document rather than by xmlsec1: the CLI would read the file while signing. The
    digest and the signature value no longer match, which is fine: the verifier must refuse on structure
    before it dereferences anything.
    """
    root = parse(signed)
    reference = _content_reference(_signature(root))
    reference.set("URI", uri)
    for transform in _all(reference, f"ds:Transforms/ds:Transform[@Algorithm='{xades.ENVELOPED}']"):
        _detach(transform)
    return serialize(root)


def wrap_enveloping_object(signed: bytes, fake_payload: bytes, *, hide_in: str = "wrapper") -> bytes:
    """Enveloping-signature wrapping: the signed `ds:Object` is hidden and a fake Object takes its place.

    The fake Object (no Id) sits where the application reads the content: the signature's own Object.
    `hide_in="wrapper"`: the signature goes under a new root and the signed Object into a sibling element.
    `hide_in="fake_object"`: the signature stays the root and the signed Object is nested inside the fake one.
    The hiding places are namespace-neutral (no namespace of their own, the signature's declarations in scope),
    so even the inclusive canonical form of the moved Object is unchanged: every digest and the signature
    value still check out, and only the rule about what a reference may point at stops the attack.
    """
    root = parse(signed)
    signature = _signature(root)
    uri = _content_reference(signature).get("URI", "")
    assert uri.startswith("#")
    original = _detach(_one(signature, f"ds:Object[@Id='{uri[1:]}']"))
    fake = etree.Element(ds("Object"))
    fake.append(parse(fake_payload))
    signature.append(fake)
    if hide_in == "fake_object":
        etree.SubElement(fake, "Archiwum").append(original)
        return serialize(root)
    envelope = etree.Element("Przesylka", nsmap={k: v for k, v in signature.nsmap.items() if k})
    envelope.append(root)
    etree.SubElement(envelope, "Archiwum").append(original)
    return serialize(envelope)


def wrap_enveloped_document(signed: bytes, fake_payload: bytes, *, move_signature: bool = False) -> bytes:
    """Enveloped-signature wrapping, for a signature whose content Reference is `#<root Id>`.

    A fake root (the fake payload) now carries the signed document under a wrapper element, so an application
    reading the root sees other content while the Reference still finds the signed element by Id.
    `move_signature=True`: the signature is lifted out into the fake root, as its last child (XSW-style); the
    enveloped transform then has nothing to remove and the digest still matches.
    """
    original = parse(signed)
    fake = parse(fake_payload)
    if move_signature:
        signature = _detach(_signature(original))
        etree.SubElement(fake, "{urn:eurzad:test:atak}Zalacznik").append(original)
        fake.append(signature)
    else:
        etree.SubElement(fake, "{urn:eurzad:test:atak}Zalacznik").append(original)
    return serialize(fake)


def with_doctype(signed: bytes, doctype: str) -> bytes:
    """Put a DOCTYPE (internal subset and all) in front of the root element of a signed document."""
    body = signed.split(b"?>", 1)[1].lstrip() if signed.startswith(b"<?xml") else signed
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + doctype.encode() + b"\n" + body


def insert_entity_reference(document: bytes, entity: str) -> bytes:
    """Use `&entity;` as the text of the first leaf element (for XXE and billion-laughs documents)."""
    root = parse(document)
    leaf = next(el for el in root.iter() if isinstance(el.tag, str) and len(el) == 0)
    marker = "ENTITY-REFERENCE-MARKER"
    leaf.text = marker
    return serialize(root).replace(marker.encode(), f"&{entity};".encode())


# --------------------------------------------------------------------------------------------------------------
# Profil Zaufany identity blocks


def profil_zaufany_old(*, first_name: str, surname: str, pesel: str, epuap_account: str) -> etree._Element:
    """The ePUAP block: ppzp:PodpisZP/DaneZP/DaneZPOsobyFizycznej with the names and PESEL in the `os`
    namespace, and the ePUAP account under DanePodpisu (the shape ePUAP's own stylesheets read)."""
    podpis = etree.Element(f"{{{PPZP_NS}}}PodpisZP", nsmap={"ppzp": PPZP_NS, "os": OSOBA_NS})
    dane = etree.SubElement(podpis, f"{{{PPZP_NS}}}DaneZP")
    osoba = etree.SubElement(dane, f"{{{PPZP_NS}}}DaneZPOsobyFizycznej")
    etree.SubElement(osoba, f"{{{OSOBA_NS}}}Imie").text = first_name
    etree.SubElement(osoba, f"{{{OSOBA_NS}}}Nazwisko", rodzajCzlonu="pierwszy").text = surname
    etree.SubElement(osoba, f"{{{OSOBA_NS}}}PESEL").text = pesel
    podpisu = etree.SubElement(podpis, f"{{{PPZP_NS}}}DanePodpisu")
    etree.SubElement(podpisu, f"{{{PPZP_NS}}}IdKontaUzytkownikaEpuap").text = epuap_account
    return podpis


def profil_zaufany_new(*, first_name: str, surname: str, pesel: str, date_of_birth: str, issuer: str,
                       issued_at: str, namespace: str = "urn:eurzad:test:EPSignature") -> etree._Element:
    """The current block: EPSignature/NaturalPerson + EPSignature/SignatureData (namespace varies in the wild)."""
    def q(tag: str) -> str:
        return f"{{{namespace}}}{tag}" if namespace else tag

    block = etree.Element(q("EPSignature"), nsmap={"pz": namespace} if namespace else None)
    person = etree.SubElement(block, q("NaturalPerson"))
    for tag, value in (("FirstName", first_name), ("CurrentFamilyName", surname), ("DateOfBirth", date_of_birth),
                       ("PersonalIdentifier", pesel)):
        etree.SubElement(person, q(tag)).text = value
    data = etree.SubElement(block, q("SignatureData"))
    etree.SubElement(data, q("IdentityIssuer")).text = issuer
    etree.SubElement(data, q("IdentityIssueTimestamp")).text = issued_at
    return block
