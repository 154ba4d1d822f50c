"""Attachment types by content: real minimal samples (tests.files), and what must not pass for them."""

from __future__ import annotations

import struct

import filetype
import pytest

from chalicelib.documents.filetypes import sniff
from chalicelib.model.service import FILE_TYPES
from tests.files import (
    CONTENT_TYPES,
    DOCX,
    ODT,
    RELS,
    WORD_DOCUMENT,
    make_docx,
    make_jpeg,
    make_odt,
    make_pdf,
    make_png,
    make_tiff,
    zipped,
)

# --- what is accepted ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (make_pdf(), "application/pdf"),
        (make_png(), "image/png"),
        (make_jpeg(), "image/jpeg"),
        (make_tiff(), "image/tiff"),
        (make_tiff(big_endian=True), "image/tiff"),
        (make_docx(), DOCX),
        (make_odt(), ODT),
    ],
    ids=["pdf", "png", "jpeg", "tiff-le", "tiff-be", "docx", "odt"],
)
def test_binary_formats_are_recognised_by_content(sample: bytes, expected: str) -> None:
    # Given a real minimal file of an accepted type
    # When it is sniffed
    # Then its true content type is returned
    assert sniff(sample) == expected


@pytest.mark.parametrize(
    "sample",
    [
        b'<?xml version="1.0" encoding="UTF-8"?><wniosek><imie>Zofia</imie></wniosek>',
        b"<wniosek><imie>Zofia</imie></wniosek>",
        b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?><a>\xc5\xbc\xc3\xb3\xc5\x82w</a>',
        b"\n\t  <a/>\n",
        '<?xml version="1.0" encoding="UTF-16"?><wniosek>Żółw</wniosek>'.encode("utf-16"),
        b"\xfe\xff" + '<?xml version="1.0" encoding="UTF-16"?><wniosek>Żółw</wniosek>'.encode("utf-16-be"),
        b'<?xml version="1.0" encoding="ISO-8859-2"?><a>\xbf\xf3\xb3w</a>',
        b'<?xml version="1.0"?><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>',
    ],
    ids=["declared", "no-declaration", "utf8-bom", "leading-whitespace", "utf16-le-bom", "utf16-be-bom",
         "iso-8859-2", "xades-like"],
)
def test_xml_is_recognised_by_parsing(sample: bytes) -> None:
    # Given well-formed XML without DOCTYPE, with or without a declaration or a BOM
    # When it is sniffed
    # Then it is XML
    assert sniff(sample) == "application/xml"


def test_docx_is_recognised_even_when_its_entry_order_hides_it_from_the_signature_check() -> None:
    # Given a valid DOCX whose "word/" parts come after several other entries (filetype sees only a ZIP)
    sample = zipped(
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("docProps/app.xml", b"<a/>"),
        ("docProps/core.xml", b"<a/>"), ("customXml/item1.xml", b"<a/>"), ("customXml/item2.xml", b"<a/>"),
        ("word/document.xml", WORD_DOCUMENT),
    )
    assert filetype.guess_mime(sample) == "application/zip"
    # When it is sniffed
    # Then its contents make it a DOCX
    assert sniff(sample) == DOCX


def test_every_accepted_type_has_a_sample_that_sniffs_to_it() -> None:
    # Given one sample per accepted type  When sniffed  Then together they cover FILE_TYPES exactly
    samples = [make_pdf(), make_png(), make_jpeg(), make_tiff(), make_docx(), make_odt(), b"<a/>"]
    assert {sniff(sample) for sample in samples} == set(FILE_TYPES)


# --- what is refused ----------------------------------------------------------------------------------------


def test_a_windows_executable_is_refused() -> None:
    # Given a (truncated) PE file: the MZ DOS header and the PE signature
    sample = b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 64
    # When sniffed  Then it is none of the accepted types
    assert sniff(sample) is None


def test_a_plain_zip_is_refused() -> None:
    # Given an ordinary ZIP archive
    sample = zipped(("faktura.txt", b"hello"), ("skan.pdf", make_pdf()))
    # When sniffed  Then it is refused
    assert sniff(sample) is None


def test_a_zip_that_looks_like_docx_but_lacks_the_document_is_refused() -> None:
    # Given a ZIP whose first entries fool the signature check but which has no word/document.xml
    sample = zipped(("[Content_Types].xml", CONTENT_TYPES), ("word/styles.xml", b"<a/>"))
    assert filetype.guess_mime(sample) == DOCX
    # When sniffed  Then it is refused
    assert sniff(sample) is None


def test_a_zip_without_content_types_is_not_docx() -> None:
    # Given a ZIP with word/document.xml but no [Content_Types].xml
    sample = zipped(("word/document.xml", WORD_DOCUMENT), ("_rels/.rels", RELS))
    # When sniffed  Then it is refused
    assert sniff(sample) is None


def test_a_macro_enabled_word_document_is_refused() -> None:
    # Given a DOCM (a DOCX with a VBA project) presented as a DOCX
    sample = zipped(("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                    ("word/document.xml", WORD_DOCUMENT), ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"))
    # When sniffed  Then it is refused
    assert sniff(sample) is None


@pytest.mark.parametrize(
    "mimetype",
    [b"application/vnd.oasis.opendocument.text-template", b"application/vnd.oasis.opendocument.spreadsheet", b""],
    ids=["template", "spreadsheet", "empty"],
)
def test_an_opendocument_that_is_not_text_is_refused(mimetype: bytes) -> None:
    # Given an OpenDocument package whose mimetype is not exactly the text document's
    sample = make_odt(mimetype)
    # When sniffed  Then it is refused (a template even passes filetype's prefix check)
    assert sniff(sample) is None


def test_a_zip_claiming_to_be_both_docx_and_odt_is_refused() -> None:
    # Given a polyglot package with the ODT mimetype entry and the DOCX parts
    sample = zipped(("mimetype", ODT.encode()), ("[Content_Types].xml", CONTENT_TYPES),
                    ("word/document.xml", WORD_DOCUMENT))
    # When sniffed  Then it is refused
    assert sniff(sample) is None


def test_a_damaged_zip_is_refused() -> None:
    # Given a DOCX cut in half (its central directory lost)
    sample = make_docx()
    # When sniffed  Then it is refused, not an error
    assert sniff(sample[: len(sample) // 2]) is None


@pytest.mark.parametrize(
    "sample",
    [
        b"",
        b"Zwykly tekst, nie dokument.",
        "Zażółć gęślą jaźń".encode(),
        b"<!DOCTYPE html><html><body><p>Wniosek</p></body></html>",
        b"<!doctype html><html><body></body></html>",
        b"<html><body><p>Wniosek</p></body></html>",
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<wniosek><imie>Zofia</wniosek>",
        b"<",
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
        b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'.encode("utf-16"),
        b' <?xml version="1.0"?><a/>',
        b'<?xml version="1.0" encoding="no-such-encoding"?><a/>',
    ],
    ids=["empty", "text", "polish-text", "html-doctype", "html-doctype-lower", "html", "xhtml", "svg",
         "malformed-xml", "lone-bracket", "xml-entity", "xml-external-dtd", "utf16-xml-entity",
         "declaration-not-first", "unknown-encoding"],
)
def test_non_documents_are_refused(sample: bytes) -> None:
    # Given content that is none of the accepted types (or XML with forbidden constructs)
    # When sniffed
    # Then nothing is returned
    assert sniff(sample) is None
