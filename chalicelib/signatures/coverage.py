"""What a signature covers: the octets each reference digests (to say which part broke) and the signed content
handed out in the report.

Both work on the parsed document itself: the signature is taken out for the moment it takes to serialise and
put back exactly where it was, so each reference costs one canonicalisation of what it covers and never a copy
of the whole document.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from chalicelib.signatures import xades as xs
from chalicelib.signatures.report import SignedContent

Kind = Literal["document", "object", "signed_properties", "key_info"]
_MISMATCH = {"document": "content_digest_mismatch", "object": "content_digest_mismatch",
             "signed_properties": "signed_properties_digest_mismatch", "key_info": "key_info_digest_mismatch"}


@dataclass
class Reference:
    element: etree._Element
    uri: str
    kind: Kind
    target: etree._Element
    transforms: list[str]
    digest_method: str


def diagnose(signature: etree._Element, references: list[Reference]) -> str:
    """Which part broke. python-xmlsec only says "invalid"; recomputing each reference's digest tells
    changed content from changed properties from a bad signature value. The verdict never depends on it."""
    for ref in references:
        expected = "".join((ref.element.findtext(xs.ds("DigestValue")) or "").split())
        try:
            octets = referenced_octets(signature, ref)
        except (ValueError, etree.LxmlError):  # a transform this diagnosis cannot replay: say nothing about it
            octets = None
        if octets is not None and base64.b64encode(xs.digest(ref.digest_method, octets)).decode() != expected:
            return _MISMATCH[ref.kind]
    return "signature_value_invalid"


def referenced_octets(signature: etree._Element, ref: Reference) -> bytes:
    target = ref.target
    octets: bytes | None = None
    for algorithm in ref.transforms:
        if algorithm == xs.BASE64:
            text = octets.decode() if octets is not None else _text(target)
            octets = base64.b64decode("".join(text.split()))
        elif algorithm in xs.CANONICALIZATIONS:
            with _without(_removed(signature, target, ref.transforms)):
                octets = etree.tostring(target, method="c14n", exclusive=algorithm.startswith(xs.EXC_C14N),
                                        with_comments=algorithm.endswith("WithComments"))
    if octets is None:
        with _without(_removed(signature, target, ref.transforms)):
            octets = etree.tostring(target, method="c14n", exclusive=False, with_comments=False)
    return octets


def _removed(signature: etree._Element, target: etree._Element, transforms: list[str]) -> list[etree._Element]:
    """What the reference's transforms take out of `target`: its own signature (enveloped), or every
    signature (the XPath Filter 2.0 subtraction the archival policy accepts)."""
    if xs.XPATH_FILTER2 in transforms:
        return [s for s in target.iter(xs.ds("Signature")) if s is not target]
    if xs.ENVELOPED in transforms and any(a is target for a in signature.iterancestors()):
        return [signature]
    return []


@contextmanager
def _without(elements: list[etree._Element]) -> Iterator[None]:
    """The tree with `elements` taken out (their tail text stays, as in the XPath data model), then restored."""
    undo = []
    try:
        for element in elements:
            parent = element.getparent()
            if parent is None or any(a is not parent and a in elements for a in element.iterancestors()):
                continue
            index, tail, before = parent.index(element), element.tail, element.getprevious()
            saved = before.tail if before is not None else parent.text
            parent.remove(element)
            if tail:
                if before is not None:
                    before.tail = (before.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            undo.append((parent, index, element, tail, before, saved))
        yield
    finally:
        for parent, index, element, tail, before, saved in reversed(undo):
            if before is not None:
                before.tail = saved
            else:
                parent.text = saved
            parent.insert(index, element)
            element.tail = tail


def _text(element: etree._Element) -> str:
    return "".join(str(t) for t in element.itertext())


def signed_content(signature: etree._Element, signed_properties: etree._Element | None,
                   ref: Reference) -> SignedContent:
    if ref.kind == "document":
        with _without([signature]):
            xml = etree.tostring(ref.target, encoding="unicode")
        return SignedContent(kind="document", reference_uri=ref.uri, mime_type="text/xml", xml=xml)
    obj = ref.target
    mime_type = obj.get("MimeType") or _declared_mime_type(signed_properties, ref)
    if xs.BASE64 in ref.transforms or obj.get("Encoding") == xs.BASE64:
        data = base64.b64decode("".join(_text(obj).split()))
        return SignedContent(kind="object", reference_uri=ref.uri, mime_type=mime_type,
                             data_base64=base64.b64encode(data).decode())
    children = [c for c in obj if isinstance(c.tag, str)]
    if children:
        xml = "".join(etree.tostring(c, encoding="unicode", with_tail=False) for c in children)
        return SignedContent(kind="object", reference_uri=ref.uri, mime_type=mime_type, xml=xml)
    return SignedContent(kind="object", reference_uri=ref.uri, mime_type=mime_type,
                         data_base64=base64.b64encode((obj.text or "").encode()).decode())


def _declared_mime_type(signed_properties: etree._Element | None, ref: Reference) -> str | None:
    ref_id = ref.element.get("Id")
    if signed_properties is None or not ref_id:
        return None
    for fmt in signed_properties.iter(xs.xades("DataObjectFormat")):
        if fmt.get("ObjectReference") == f"#{ref_id}":
            return fmt.findtext(xs.xades("MimeType"))
    return None
