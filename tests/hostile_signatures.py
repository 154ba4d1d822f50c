"""Signed XML shaped to make a verifier work hard: the inputs a hostile client sends to the public verify
e-service to tie up a Lambda or blow up its response. Each generator takes the office seal (any valid
XAdES-BES producer) and returns bytes within the e-service's 2 MiB body limit.

Shared by the unit tests (each shape gets its 422 code, before any canonicalisation) and by
`bench/signatures.py` (the worst of them against a normal document, timed).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from lxml import etree

from chalicelib.signatures import pki
from chalicelib.signatures import xades as xs
from chalicelib.signatures.sealing import OfficeSeal

MAX_BODY = 2 * 1024 * 1024
NS = "urn:eurzad:wniosek"
Seal = Callable[[etree._Element], bytes]


def sealer(demo: pki.DemoPki) -> Seal:
    office = OfficeSeal(demo.seal.key_pem(), demo.seal_chain())
    return lambda root: office.seal(root, signing_time=dt.datetime.now(dt.UTC))


def document(size: int) -> etree._Element:
    """An application padded with rows to about `size` bytes (before the signature)."""
    root = etree.Element(f"{{{NS}}}Wniosek", nsmap={None: NS})
    etree.SubElement(root, f"{{{NS}}}Usluga").text = "zaswiadczenie-o-zameldowaniu"
    rows = etree.SubElement(root, f"{{{NS}}}Pozycje")
    template = etree.fromstring(f"<Pozycja xmlns='{NS}'><Opis>Załącznik: skan dokumentu tożsamości, strona 1"
                                "</Opis><Kwota>3.17</Kwota></Pozycja>")
    count = max(0, (size - 300) // len(etree.tostring(template)))
    for i in range(count):
        item = copy.deepcopy(template)
        item.set("nr", str(i))
        rows.append(item)
    return root


def _fill(build: Callable[[int], bytes], limit: int = MAX_BODY) -> bytes:
    """The largest `build(n)` that fits the body limit (n grows by doubling, then by bisection)."""
    low, high = 1, 2
    while len(build(high)) <= limit:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if len(build(mid)) <= limit else (low, mid)
    return build(low)


def _signature(root: etree._Element) -> etree._Element:
    found = root.find(f".//{xs.ds('Signature')}")
    assert found is not None
    return found


def _reference(uri: str, transforms: int = 2) -> etree._Element:
    ref = etree.Element(xs.ds("Reference"), URI=uri)
    container = etree.SubElement(ref, xs.ds("Transforms"))
    for i in range(transforms):
        etree.SubElement(container, xs.ds("Transform"), Algorithm=xs.ENVELOPED if i == 0 else xs.EXC_C14N)
    etree.SubElement(ref, xs.ds("DigestMethod"), Algorithm=xs.SHA256)
    etree.SubElement(ref, xs.ds("DigestValue")).text = base64.b64encode(b"\0" * 32).decode()
    return ref


def wide(seal: Seal, elements: int, depth: int = 1, namespaces: int = 0) -> bytes:
    """A validly sealed document of `elements` empty elements at `depth`, under `namespaces` extra namespaces:
    the most nodes per byte, to sit just under the work bound."""
    declarations = " ".join(f"xmlns:p{i}='urn:n:{i}'" for i in range(namespaces))
    text = f"<Wniosek xmlns='{NS}' {declarations}>" + "<P>" * depth + "<a/>" * elements + "</P>" * depth + "</Wniosek>"
    return seal(etree.fromstring(text))


def many_references(sealed: bytes, references: int) -> bytes:
    """The tester's shape: a sealed document with extra `URI=""` references, each a copy of the document's
    own (so every digest matches and each one is canonicalised in full)."""
    root = etree.fromstring(sealed)
    signed_info = _signature(root).find(xs.ds("SignedInfo"))
    assert signed_info is not None
    own = signed_info.find(xs.ds("Reference"))
    assert own is not None
    for _ in range(references):
        extra = copy.deepcopy(own)
        extra.attrib.pop("Id", None)
        signed_info.insert(2, extra)
    return etree.tostring(root)


def empty_signatures(count: int) -> bytes:
    """`count` empty ds:Signature elements (the tester's 1.8 MB / 15,000 shape)."""
    return (f"<a xmlns:ds='{xs.DS}'>" + "<ds:Signature/>" * count + "</a>").encode()


def many_signatures(sealed: bytes, count: int) -> bytes:
    """A sealed document carrying `count` copies of its seal (ids renamed), each covering the whole document."""
    root = etree.fromstring(sealed)
    signature = _signature(root)
    text = etree.tostring(signature).decode()
    sig_id = signature.get("Id") or ""
    for i in range(1, count):
        root.append(etree.fromstring(text.replace(sig_id, f"{sig_id}-{i}")))
    return etree.tostring(root)


def many_transforms(sealed: bytes, transforms: int) -> bytes:
    """The document reference with `transforms` canonicalisations in a row."""
    root = etree.fromstring(sealed)
    container = _signature(root).find(f"{xs.ds('SignedInfo')}/{xs.ds('Reference')}/{xs.ds('Transforms')}")
    assert container is not None
    for _ in range(transforms):
        etree.SubElement(container, xs.ds("Transform"), Algorithm=xs.EXC_C14N)
    return etree.tostring(root)


def deep_nesting(seal: Seal, depth: int, padding: int = 1024 * 1024) -> bytes:
    """A validly sealed document whose content is `depth` elements deep (and wide: padding at the bottom)."""
    root = document(0)
    node = root
    for _ in range(depth):
        node = etree.SubElement(node, f"{{{NS}}}Poziom")
    node.append(document(padding))
    return seal(root)


def many_certificates(sealed: bytes, count: int) -> bytes:
    """KeyInfo with `count` certificates (copies of the chain)."""
    root = etree.fromstring(sealed)
    x509_data = _signature(root).find(f"{xs.ds('KeyInfo')}/{xs.ds('X509Data')}")
    assert x509_data is not None
    certs = list(x509_data)
    for i in range(count - len(certs)):
        x509_data.append(copy.deepcopy(certs[i % len(certs)]))
    return etree.tostring(root)


def huge_certificate(demo: pki.DemoPki, size: int = 1024 * 1024) -> bytes:
    """A validly sealed document whose signing certificate carries a `size`-byte extension."""
    seal_cert = demo.seal.cert
    builder = (x509.CertificateBuilder().subject_name(seal_cert.subject).issuer_name(seal_cert.issuer)
               .public_key(demo.seal.key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(seal_cert.not_valid_before_utc).not_valid_after(seal_cert.not_valid_after_utc))
    for extension in seal_cert.extensions:
        builder = builder.add_extension(extension.value, critical=extension.critical)
    builder = builder.add_extension(
        x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x04" + b"\0" * size),
        critical=False)
    cert = builder.sign(demo.intermediate.key, hashes.SHA256())  # type: ignore[arg-type]
    key_pem = demo.seal.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
    office = OfficeSeal(key_pem, cert.public_bytes(serialization.Encoding.PEM) + demo.intermediate.cert_pem())
    return office.seal(document(2_000), signing_time=dt.datetime.now(dt.UTC))


def many_attributes(sealed: bytes, count: int) -> bytes:
    """A sealed document with one element added, carrying `count` attributes (canonicalisation sorts them)."""
    root = etree.fromstring(sealed)
    attributes = " ".join(f'a{i}="x"' for i in range(count))
    root.insert(0, etree.fromstring(f"<Atrybuty xmlns='{NS}' {attributes}/>"))
    return etree.tostring(root)


def many_objects(sealed: bytes, count: int) -> bytes:
    """`count` extra ds:Object elements, each with a Manifest referencing the whole document."""
    root = etree.fromstring(sealed)
    signature = _signature(root)
    for _ in range(count):
        manifest = etree.SubElement(etree.SubElement(signature, xs.ds("Object")), xs.ds("Manifest"))
        manifest.append(_reference(""))
    return etree.tostring(root)


def many_namespaces(seal: Seal, count: int) -> bytes:
    """A validly sealed document whose root declares `count` namespaces (in scope for every element)."""
    nsmap: dict[str | None, str] = {None: NS, **{f"p{i}": f"urn:n:{i}" for i in range(count)}}
    root = etree.Element(f"{{{NS}}}Wniosek", nsmap=nsmap)  # type: ignore[arg-type]
    root.extend(list(document(20_000)))
    return seal(root)


def declared_namespaces(sealed: bytes, count: int) -> bytes:
    """A sealed document whose root start tag gets `count` more namespace declarations."""
    declarations = " ".join(f"xmlns:p{i}='urn:n:{i}'" for i in range(count))
    return sealed.replace(f'<Wniosek xmlns="{NS}"'.encode(), f'<Wniosek xmlns="{NS}" {declarations}'.encode(), 1)


def long_values(sealed: bytes, size: int = 1_900_000) -> bytes:
    """A reference URI and the signing time of `size` characters each (both are echoed in the report)."""
    root = etree.fromstring(sealed)
    signature = _signature(root)
    signature.find(xs.ds("SignedInfo")).append(_reference("#" + "a" * (size // 2)))  # type: ignore[union-attr]
    time = signature.find(f".//{xs.xades('SigningTime')}")
    assert time is not None
    time.text = "2026-" + "1" * (size // 2)
    return etree.tostring(root)


def many_ids(count: int) -> bytes:
    """`count` elements sharing ids in pairs next to an empty signature: every duplicate is named."""
    items = "".join(f"<b Id='i{i // 2}'/>" for i in range(count))
    return f"<a xmlns:ds='{xs.DS}'>{items}<ds:Signature/></a>".encode()


def shapes(demo: pki.DemoPki) -> dict[str, Callable[[], bytes]]:
    """Every hostile shape, most at the size that fills the body limit, by name."""
    seal = sealer(demo)
    sealed: dict[int, bytes] = {}

    def base(padding: int) -> bytes:
        if padding not in sealed:
            sealed[padding] = seal(document(padding))
        return sealed[padding]

    mib = 1024 * 1024
    return {
        "100 references, 1 MiB": lambda: many_references(base(mib), 100),
        "20 references, 1.9 MiB": lambda: many_references(base(1_950_000), 18),
        "references filling 2 MiB": lambda: _fill(lambda n: many_references(base(mib), n)),
        "15,000 empty signatures": lambda: empty_signatures(15_000),
        "empty signatures filling 2 MiB": lambda: _fill(empty_signatures),
        "10 signatures, 1.9 MiB": lambda: many_signatures(base(1_900_000), 10),
        "2 signatures, 1 MiB": lambda: many_signatures(base(1_000_000), 2),
        "10 signatures, 400 KiB": lambda: many_signatures(base(380_000), 10),
        "signatures filling 2 MiB": lambda: _fill(lambda n: many_signatures(base(20_000), n)),
        "5 transforms, 1.9 MiB": lambda: many_transforms(base(1_950_000), 3),
        "transforms filling 2 MiB": lambda: _fill(lambda n: many_transforms(base(mib), n)),
        "nesting 250 deep, 1.9 MiB": lambda: deep_nesting(seal, 250, padding=1_900_000),
        "nesting 99 deep, 1.9 MiB": lambda: deep_nesting(seal, 95, padding=1_900_000),
        "certificates filling 2 MiB": lambda: _fill(lambda n: many_certificates(base(2_000), n)),
        "1 MiB certificate": lambda: huge_certificate(demo),
        "attributes filling 2 MiB": lambda: _fill(lambda n: many_attributes(base(2_000), n)),
        "objects filling 2 MiB": lambda: _fill(lambda n: many_objects(base(mib), n)),
        "namespaces filling 2 MiB": lambda: _fill(lambda n: declared_namespaces(base(2_000), n)),
        "1.9 MB reference URI and signing time": lambda: long_values(base(2_000)),
        "duplicate ids filling 2 MiB": lambda: _fill(many_ids),
    }
