"""Bounds on a signed document's structure, checked right after parsing and before any canonicalisation or
cryptography.

Every reference makes xmlsec canonicalise and digest what it covers, every signature repeats that for its own
references, and every element, attribute and certificate ends up in the work or in the report. Without bounds
an anonymous 2 MiB body could keep a Lambda busy until its timeout. A document over a bound is not verified
at all: it is refused (422) with the bound it broke, so the client knows what to change. The bounds are far
above what signing tools produce (one or two signatures, two or three references, two transforms each).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from lxml import etree

from chalicelib.signatures import xades as xs
from chalicelib.signatures.xmlsafe import UnreadableDocument

_NS = {"ds": xs.DS}
# Under inclusive canonicalisation each namespace in scope costs xmlsec, per node, about two thirds of what a
# node 16 deep costs (measured with C14N 1.1); exclusive canonicalisation looks only at the prefixes used.
NAMESPACE_WEIGHT = 16
_EXCLUSIVE = (xs.EXC_C14N, xs.EXC_C14N_COMMENTS)
# A namespace declaration in the serialised document (counted on the bytes: libxml2 does not expose them).
_DECLARATION = re.compile(rb"\sxmlns(?::([^\s=/>]+))?\s*=")


@dataclass(frozen=True)
class Limits:
    signatures: int = 10  # ds:Signature elements in the document
    signed_volume: int = 4 * 1024 * 1024  # signatures x document bytes: each signature canonicalises it anew
    references: int = 20  # ds:Reference elements in one signature (SignedInfo and any Manifest)
    transforms: int = 5  # ds:Transform elements in one reference
    objects: int = 10  # ds:Object elements in one signature
    certificates: int = 10  # ds:X509Certificate elements in one signature's KeyInfo
    certificate_chars: int = 16 * 1024  # base64 text of one certificate (about 12 KiB of DER)
    depth: int = 100  # element nesting, the root being 1
    attributes: int = 256  # attributes of one element
    namespaces: int = 64  # distinct namespace prefixes declared in the document (the default one counts)
    # xmlsec canonicalises what a reference covers node by node, and for each node it walks up to the root and
    # through the namespaces in scope: its time grows with nodes x (depth + namespaces), for every signature.
    # Bounded as signatures x nodes x (weight of the depth step + NAMESPACE_WEIGHT x namespace prefixes).
    work: int = 3_000_000
    # Per-node weight by the depth step the document fits in: xmlsec's time per node at that depth, measured
    # (a node 64 deep costs about six times one 16 deep), in the same units as NAMESPACE_WEIGHT.
    depth_weights: tuple[tuple[int, int], ...] = ((16, 24), (32, 52), (64, 144))
    deepest_weight: int = 230  # up to `depth`

    @cached_property
    def _deeper_than(self) -> dict[int, etree.XPath]:
        # Each step takes the elements one level down: linear in the document, no recursion in Python.
        steps = [step for step, _ in self.depth_weights] + [self.depth]
        return {d: etree.XPath("boolean(/" + "/".join(["*"] * (d + 1)) + ")") for d in steps}

    def _depth(self, root: etree._Element) -> tuple[int, int]:
        """The depth step the document fits in and its per-node weight; a step over `depth` when too deep."""
        (first, weight), *others = self.depth_weights
        if not self._deeper_than[first](root):  # most documents: one pass
            return first, weight
        if self._deeper_than[self.depth](root):  # too deep: refused after two passes
            return self.depth + 1, 0
        return next(((step, w) for step, w in others if not self._deeper_than[step](root)),
                    (self.depth, self.deepest_weight))

    def check(self, root: etree._Element, data: bytes) -> None:
        """Raise DocumentTooComplex for the first bound that `root`, parsed from `data`, breaks."""
        depth, depth_weight = self._depth(root)
        if depth > self.depth:
            raise DocumentTooComplex(
                "xml_too_deep", f"Dokument jest zagnieżdżony zbyt głęboko (limit {self.depth} poziomów).",
                "", "too_deep", f"Elementy są zagnieżdżone na więcej niż {self.depth} poziomów.")
        found = int(root.xpath("count(//ds:Signature)", namespaces=_NS))  # type: ignore[arg-type]
        if found > self.signatures:
            raise DocumentTooComplex(
                "too_many_signatures", f"Dokument zawiera zbyt wiele podpisów (limit {self.signatures}).",
                "ds:Signature", "too_many_signatures",
                f"Dokument ma {found} elementów ds:Signature; dopuszczalne najwyżej {self.signatures}.")
        size = len(data)
        if found * size > self.signed_volume:
            allowed = max(1, self.signed_volume // size)
            raise DocumentTooComplex(
                "too_many_signatures",
                f"Dokument tej wielkości może mieć najwyżej {allowed} podpis(y) (podpisy × rozmiar dokumentu ≤ "
                f"{self.signed_volume // (1024 * 1024)} MiB).",
                "ds:Signature", "signed_volume_exceeded",
                f"Dokument ma {size} bajtów i {found} podpisy; każdy podpis przetwarza cały dokument, "
                f"a łącznie dopuszczalne jest {self.signed_volume} bajtów.")
        namespaces = self._check_namespaces(root, data)
        crowded: Any = root.xpath(f"(//*[count(@*) > {self.attributes}])[1]")
        if crowded:
            raise DocumentTooComplex(
                "xml_too_complex", f"Element dokumentu ma zbyt wiele atrybutów (limit {self.attributes}).",
                str(crowded[0].tag)[:200], "too_many_attributes",
                f"Element ma {len(crowded[0].attrib)} atrybutów; dopuszczalne najwyżej {self.attributes}.")
        signatures: Any = root.xpath("//ds:Signature", namespaces=_NS)
        for number, signature in enumerate(signatures, 1):
            self._check_signature(number, signature)
        self._check_work(root, (depth, depth_weight), namespaces, len(signatures), _inclusive(signatures))

    def _check_work(self, root: etree._Element, depth_step: tuple[int, int], namespaces: int, signatures: int,
                    inclusive: bool) -> None:
        depth, depth_weight = depth_step
        weight = NAMESPACE_WEIGHT if inclusive else 1
        nodes = int(root.xpath("count(//node()) + count(//@*)"))  # type: ignore[arg-type]
        work = max(1, signatures) * nodes * (depth_weight + weight * namespaces)
        if work > self.work:
            raise DocumentTooComplex(
                "xml_too_complex", "Dokument jest zbyt złożony do weryfikacji podpisu (zbyt wiele węzłów przy tej "
                "głębokości, liczbie przestrzeni nazw i podpisów).",
                "", "work_exceeded",
                f"podpisy ({max(1, signatures)}) × węzły ({nodes}) × (waga głębokości do {depth}: {depth_weight} + "
                f"{weight} × "
                f"prefiksy przestrzeni nazw ({namespaces})) = {work}; dopuszczalne najwyżej {self.work}.")

    def _check_namespaces(self, root: etree._Element, data: bytes) -> int:
        # Inclusive canonicalisation writes every namespace in scope on the top element and looks them up for
        # each element below; their count multiplies the work. Distinct prefixes (a tool that repeats the same
        # xmlns on every element adds nothing in scope), counted on the bytes when they are ASCII-based (markup
        # in UTF-16 or UTF-32 always has zero bytes), else on the document serialised as UTF-8.
        text = data if b"\0" not in data else etree.tostring(root, encoding="UTF-8")
        declared = len(set(_DECLARATION.findall(text)))
        if declared > self.namespaces:
            raise DocumentTooComplex(
                "xml_too_complex", f"Dokument deklaruje zbyt wiele przestrzeni nazw (limit {self.namespaces}).",
                "", "too_many_namespaces",
                f"Dokument deklaruje {declared} różnych prefiksów przestrzeni nazw (xmlns); dopuszczalne najwyżej "
                f"{self.namespaces}.")
        return declared

    def _check_signature(self, number: int, signature: etree._Element) -> None:
        where = f"ds:Signature[{number}]"

        def refuse(field: str, code: str, found: int, limit: int, what: str) -> DocumentTooComplex:
            return DocumentTooComplex(
                "signature_too_complex", f"Podpis nr {number} jest zbyt złożony: {what} (limit {limit}).",
                f"{where}/{field}", code, f"Podpis nr {number}: {found}, dopuszczalne najwyżej {limit} ({what}).")

        def count(path: str) -> int:
            return int(signature.xpath(f"count({path})", namespaces=_NS))  # type: ignore[arg-type]

        references = count(".//ds:Reference")
        if references > self.references:
            raise refuse("ds:Reference", "too_many_references", references, self.references,
                         "odwołania ds:Reference w podpisie")
        busy: Any = signature.xpath(f"(.//ds:Reference[count(.//ds:Transform) > {self.transforms}])[1]",
                                    namespaces=_NS)
        if busy:
            transforms = int(busy[0].xpath("count(.//ds:Transform)", namespaces=_NS))
            raise refuse("ds:Reference/ds:Transforms", "too_many_transforms", transforms, self.transforms,
                         "przekształcenia ds:Transform w jednym odwołaniu")
        objects = count("ds:Object")
        if objects > self.objects:
            raise refuse("ds:Object", "too_many_objects", objects, self.objects, "obiekty ds:Object w podpisie")
        certificates = count("ds:KeyInfo//ds:X509Certificate")
        if certificates > self.certificates:
            raise refuse("ds:KeyInfo", "too_many_certificates", certificates, self.certificates,
                         "certyfikaty w ds:KeyInfo")
        large: Any = signature.xpath(
            f"(ds:KeyInfo//ds:X509Certificate[string-length() > {self.certificate_chars}])[1]", namespaces=_NS)
        if large:
            raise refuse("ds:KeyInfo/ds:X509Data/ds:X509Certificate", "certificate_too_large",
                         len(large[0].text or ""), self.certificate_chars, "znaki certyfikatu zapisanego w base64")


def _inclusive(signatures: list[etree._Element]) -> bool:
    """Whether any reference is canonicalised inclusively: by an inclusive algorithm or, with no exclusive
    one among its transforms, by the inclusive default xmlsec applies to turn XML into octets."""
    for signature in signatures:
        for ref in signature.iter(xs.ds("Reference")):
            algorithms = [t.get("Algorithm") for t in ref.iter(xs.ds("Transform"))]
            if xs.BASE64 not in algorithms and not any(a in _EXCLUSIVE for a in algorithms):
                return True
            if any(a in xs.CANONICALIZATIONS and a not in _EXCLUSIVE for a in algorithms):
                return True
        method = signature.find(f"{xs.ds('SignedInfo')}/{xs.ds('CanonicalizationMethod')}")
        if method is not None and method.get("Algorithm") not in _EXCLUSIVE:
            return True
    return False


class DocumentTooComplex(UnreadableDocument):
    """The document breaks a structural bound; `details` names the bound (field, code, Polish message)."""

    def __init__(self, code: str, message: str, field: str, detail_code: str, detail: str) -> None:
        super().__init__(code, message)
        self.details = [{"field": field, "code": detail_code, "message": detail}]


DEFAULT_LIMITS = Limits()
