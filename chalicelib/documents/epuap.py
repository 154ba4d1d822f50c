"""The ePUAP document format's shared vocabulary: namespaces, the form block's naming, and what a reader gets.

`wniosek` renders an application in this format, `wniosek_form` writes its form block, `wniosek_reader` reads
one back; each imports what they share from here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

WNIO = "http://crd.gov.pl/wzor/2013/12/12/1410/"
META = "http://crd.gov.pl/xml/schematy/meta/2009/11/16/"
STR = "http://crd.gov.pl/xml/schematy/struktura/2009/11/16/"
OSO = "http://crd.gov.pl/xml/schematy/osoba/2009/11/16/"
INST = "http://crd.gov.pl/xml/schematy/instytucja/2009/11/16/"
ADR = "http://crd.gov.pl/xml/schematy/adres/2009/11/09/"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
FORM_NS_PREFIX = "urn:eurzad:formularz:"
ATTACHMENT_URI_PREFIX = "urn:eurzad:zalacznik:"

FORM_NS = re.compile(r"^urn:eurzad:formularz:([a-z0-9]+(?:-[a-z0-9]+)*):v([1-9][0-9]*)$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LIST_ATTRIBUTE = "lista"


class DocumentError(Exception):
    """A document that is not what it claims to be (wrong root, missing or malformed form block): a machine code
    and a Polish message. No HTTP status here: what it means for a request is the caller's to say."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class AttachmentRef:
    attachment_id: str
    field: str
    filename: str
    content_type: str
    size: int
    sha256: bytes


@dataclass(frozen=True)
class ReadDocument:
    service: str
    version: int
    terc: str
    values: dict[str, Any]
    attachment_ids: list[str]
    document_id: str | None
    digests: dict[str, str] = dataclasses.field(default_factory=dict)  # attachment id -> the signed SHA-256 (hex)


def form_namespace(service_id: str, version: int) -> str:
    return f"{FORM_NS_PREFIX}{service_id}:v{version}"


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def sub(parent: etree._Element, namespace: str, name: str, text: str | None = None,
         attrib: Mapping[str, str] | None = None) -> etree._Element:
    element = etree.SubElement(parent, q(namespace, name), dict(attrib or {}))
    if text is not None:
        element.text = text
    return element
