"""What an uploaded file really is, by its bytes: one of the accepted attachment types or nothing.

This only names the type; what a file of that type may contain is the content policy's (policy.py).

Binary formats are recognised by their signatures (``filetype``); DOCX and ODT are then opened as ZIP
archives and checked for the parts that make them what they claim to be. XML has no signature: it is
text that starts with ``<`` and parses under the same rules as any untrusted XML (no DOCTYPE, no entities).
"""

from __future__ import annotations

import io
import zipfile
import zlib

import filetype

from chalicelib.signatures.xmlsafe import UnreadableDocument, parse_untrusted

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
XML = "application/xml"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_BY_SIGNATURE = frozenset({PDF, JPEG, PNG, TIFF})
# filetype tells DOCX and ODT apart from other ZIPs only by the first few entries; whatever it says about a
# ZIP, the archive's contents decide.
_ZIPPED = frozenset({"application/zip", DOCX, ODT})
_DOCX_PARTS = frozenset({"[Content_Types].xml", "word/document.xml"})
_ODT_MIMETYPE = ODT.encode("ascii")

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_XML_WHITESPACE = " \t\r\n"
_HEAD = 1024  # even, so a UTF-16 head is not cut mid-character
# Markup that a browser would run rather than show: never an office document, whatever the upload says.
_ACTIVE_ROOTS = frozenset({"html", "svg"})
_ACTIVE_NAMESPACES = frozenset({"http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"})


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, among the accepted ones; None if none of them."""
    if not content:
        return None
    kind = filetype.guess(content)
    if kind is None:
        return XML if _is_xml(content) else None
    mime = str(kind.mime)
    if mime in _BY_SIGNATURE:
        return mime
    if mime in _ZIPPED:
        return _office_document(content, mime)
    return None


def _office_document(content: bytes, guess: str) -> str | None:
    from chalicelib.documents.filetypes.archive import MAX_ENTRIES, declared_entries

    if declared_entries(content) > MAX_ENTRIES:
        # Not opened here at all; the content policy refuses it with the reason.
        return guess if guess in (DOCX, ODT) else None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            is_docx = _DOCX_PARTS.issubset(names) and not any(n.lower().endswith("vbaproject.bin") for n in names)
            is_odt = False
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    is_odt = entry.read(len(_ODT_MIMETYPE) + 1) == _ODT_MIMETYPE
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError, NotImplementedError, ValueError,
            OSError, EOFError):
        # Damaged, encrypted or using a compression method we cannot read: not a document we accept.
        return None
    if is_docx == is_odt:  # neither, or a polyglot claiming to be both
        return None
    return DOCX if is_docx else ODT


def _is_xml(content: bytes) -> bool:
    if content.startswith(_UTF8_BOM):
        head = content[len(_UTF8_BOM):_HEAD].decode("utf-8", "ignore")
    elif content[:2] in _UTF16_BOMS:
        head = content[:_HEAD].decode("utf-16", "ignore")  # the BOM picks the byte order and is dropped
    else:
        head = content[:_HEAD].decode("latin-1")
    if not head.lstrip(_XML_WHITESPACE).startswith("<"):
        return False
    try:
        root = parse_untrusted(content, max_bytes=len(content) + 1).getroot()
    except UnreadableDocument:
        return False
    name = str(root.tag)
    namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    return local.lower() not in _ACTIVE_ROOTS and namespace not in _ACTIVE_NAMESPACES
