"""The content policy per attachment type, as the resident sees it: the quarantine check's verdict and its reason.

Each hostile sample is a real file of its type (it sniffs to the declared type) and is refused with a Polish
reason; the legitimate neighbours of each rule are released, so the policy refuses the class, not the format.
"""

from __future__ import annotations

import struct
import zlib

import pytest

from chalicelib.documents.filetypes import DOCX, JPEG, PDF, PNG, TIFF, XML, refusal, sniff
from chalicelib.model.service import FILE_TYPES
from chalicelib.modules.submissions.attachments import Screening, screen
from tests import hostile as h
from tests.files import make_jpeg, make_pdf, make_png, zipped

MiB = 1024 * 1024


def verdict(sample: bytes, declared: str) -> Screening:
    return screen(sample, declared_type=declared, rules_types=tuple(FILE_TYPES), max_bytes=100 * MiB, sniff=sniff,
                  policy=refusal)


def refused(sample: bytes, declared: str, *words: str) -> None:
    assert sniff(sample) == declared, "the sample must be a real file of its type"
    result = verdict(sample, declared)
    assert not result.released, f"released: {sample[:80]!r}"
    assert result.reason is not None
    for word in words:
        assert word in result.reason, result.reason


def released(sample: bytes, declared: str) -> None:
    result = verdict(sample, declared)
    assert (result.released, result.reason) == (True, None)


# --- PDF -------------------------------------------------------------------------------------------------------

JS = b"<< /S /JavaScript /JS (app.alert(1)) >>"


@pytest.mark.parametrize(("sample", "words"), [
    (h.pdf(catalog=b"/OpenAction " + JS), ("skrypt",)),
    (h.pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"), ("akcję", "/Launch")),
    (h.pdf(page=b"/AA << /O " + JS + b" >>"), ()),
    (h.pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), ("skrypt",)),
    (h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /L#61unch /F (calc) >> >>]"),
     ("/Launch",)),
    (h.pdf(catalog=b"/OpenAction << /S /URI /URI (https://example.com/) >>"), ("/URI",)),
    (h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                b"/A << /S /URI /URI (file:///C:/Windows/System32/calc.exe) >> >>]"), ("odnośnik",)),
    (h.pdf(catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a.exe) "
                   b"/EF << /F 4 0 R >> >>] >> >>", extra=(h.stream(b"MZ", b"/Type /EmbeddedFile"),)),
     ("osadzone",)),
    (h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>]"), ("osadzone",)),
    (h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Screen /Rect [0 0 9 9] >>]"), ("osadzone",)),
    (h.pdf(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", extra=(h.stream(b"<xdp/>"),)), ("XFA",)),
    (h.pdf(catalog=b"/OpenAction << /S /SubmitForm /F (https://example.com/) >>"), ("/SubmitForm",)),
    (h.pdf(catalog=b"/OpenAction << /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) /D [0 /Fit] >>"), ("/GoToR",)),
    (h.pdf(catalog=b"/Names << /JavaScript 4 0 R >>", extra=(b"<< /Names [(x) " + JS + b"] >>",)), ("skrypt",)),
    (h.pdf_with_action_in_object_stream(b"<< /S /J#61vaScript /JS (app.alert(1)) >>"), ("skrypt",)),
    (h.pdf_with_action_in_object_stream(b"<< /S /Launch /F (cmd.exe) >>"), ("/Launch",)),
    (h.pdf(trailer=b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"), ("zaszyfrowany",)),
    (h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Named /N /Print >> >>]"),
     ("/Named",)),
    (h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Thread /F (x.pdf) /D 0 >> >>]"),
     ("/Thread",)),
    (h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 4 0 R >>]",
           extra=(b"<< /S /URI /URI <%s> >>" % b"javascript:app.alert(1)".hex().encode(),)), ("odnośnik",)),
], ids=["openaction-js", "launch", "page-aa", "obfuscated-names", "link-launch", "openaction-uri",
        "link-file-uri", "embedded-file", "richmedia", "screen-annotation", "xfa", "submitform", "gotor",
        "names-javascript", "objstm-js", "objstm-launch", "encrypted", "named-print", "thread-to-file",
        "indirect-javascript-uri"])
def test_active_pdfs_are_refused(sample: bytes, words: tuple[str, ...]) -> None:
    refused(sample, PDF, "PDF", *words)


@pytest.mark.parametrize("sample", [
    make_pdf(),
    h.pdf(catalog=b"/OpenAction [3 0 R /Fit]"),
    h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://gov.pl/) >> >>]"),
    h.pdf(page=b"/Resources << /ExtGState << /G0 << /BM /Screen >> >> >>"),
    h.pdf_with_action_in_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>"),
    h.pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI "
                b"(https://bip.example.pl/AA/JS/EF/\\(XFA/(3D\\))) >> >>]"),
], ids=["plain", "open-at-page", "web-link", "screen-blend-mode", "objstm-goto", "link-with-short-names-in-path"])
def test_plain_pdfs_with_links_and_navigation_are_released(sample: bytes) -> None:
    released(sample, PDF)


def test_an_encrypted_pdf_is_inspected_when_it_opens_without_a_password_and_refused_when_it_needs_one() -> None:
    released(h.encrypted(make_pdf()), PDF)
    refused(h.encrypted(h.pdf(catalog=b"/OpenAction " + JS)), PDF, "skrypt")
    refused(h.encrypted(make_pdf(), user_password="tajne"), PDF, "zaszyfrowany")


def test_an_object_stream_the_xref_does_not_list_is_still_inspected() -> None:
    # Given a packed JavaScript action in an object stream outside the xref (a repairing reader may find it)
    packed = zlib.compress(b"9 0 << /S /J#61vaScript /JS (app.alert(1)) >>")
    orphan = b"8 0 obj\n" + h.stream(packed, b"/Type /Obj#53tm /N 1 /First 4 /Filter /Fl#61teDecode") + b"\nendobj\n"
    refused(h.pdf(head=orphan), PDF, "skrypt")


def test_an_object_stream_in_an_unusual_encoding_is_refused() -> None:
    packed = b"9 0 << /S /JavaScript /JS (app.alert(1)) >>".hex().encode() + b">"
    hidden = b"8 0 obj\n" + h.stream(packed, b"/Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode") + b"\nendobj\n"
    refused(h.pdf(head=hidden), PDF, "nietypowo zakodowanym")


def test_object_streams_inflating_past_64_mib_are_refused() -> None:
    bomb = zlib.compress(b" " * (65 * 1024 * 1024), 1)
    packed = b"8 0 obj\n" + h.stream(bomb, b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode") + b"\nendobj\n"
    sample = h.pdf(head=packed)
    assert len(sample) < 1024 * 1024
    refused(sample, PDF, "nieproporcjonalnie duży")


def test_a_damaged_pdf_is_refused() -> None:
    sample = h.pdf_with_action_in_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>").replace(b"/ObjStm", b"/ObjStX")
    refused(sample, PDF, "uszkodzony")


# --- polyglots -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sample", "declared", "words"), [
    (make_pdf() + zipped(("payload.exe", b"MZ")), PDF, ("ZIP",)),
    (h.pdf(head=b"%<html><script>alert(1)</script></html>\n"), PDF, ("skrypt",)),
    (h.docx(("docProps/a.txt", b"%PDF-1.4 " + make_pdf())), DOCX, ("PDF",)),
    (make_png() + zipped(("a.js", b"alert(1)")), PNG, ("ZIP",)),
    (h.png_with_text(b"%PDF-1.4 1 0 obj"), PNG, ("PDF",)),
    (h.jpeg_with_comment(b"<script>alert(1)</script>"), JPEG, ("skrypt",)),
    (h.jpeg_with_comment(b"<a href='javascript:alert(1)'>x</a>"), JPEG, ("skrypt",)),
], ids=["pdf+zip", "pdf+html", "zip+pdf", "png+zip", "png+pdf", "jpeg+html", "jpeg+javascript-link"])
def test_polyglots_are_refused(sample: bytes, declared: str, words: tuple[str, ...]) -> None:
    refused(sample, declared, *words)


# --- XML -------------------------------------------------------------------------------------------------------

SVG = b'xmlns:s="http://www.w3.org/2000/svg"'


@pytest.mark.parametrize(("sample", "words"), [
    (b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="http://evil.example/x.xsl"?><a/>',
     ("xml-stylesheet",)),
    (b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><a/>', ("mso-application",)),
    (b"<a><?xml-stylesheet href='x.xsl'?></a>", ("xml-stylesheet",)),
    (b'<wniosek><s:svg ' + SVG + b'><s:script>alert(1)</s:script></s:svg></wniosek>', ("SVG",)),
    (b'<wniosek><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/></wniosek>', ("SVG",)),
    (b'<wniosek><s:foreignObject ' + SVG + b'/></wniosek>', ("SVG",)),
    (b'<wniosek xmlns:h="http://www.w3.org/1999/xhtml"><h:p><h:script>alert(1)</h:script></h:p></wniosek>', ()),
    (b"<wniosek><script>alert(1)</script></wniosek>", ()),
    (b'<wniosek><a href=" JavaScript:alert(1)">x</a></wniosek>', ("skrypt",)),
    (b'<wniosek xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></wniosek>', ()),
    (b'<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"/>', ("XSLT",)),
    (b'<w xmlns:x="http://www.w3.org/1999/xlink"><z x:href="http://evil.example/" x:actuate="onLoad"/></w>', ()),
    (b'<w xmlns:x="http://www.w3.org/1999/xlink"><z x:href="file:///etc/passwd"/></w>', ("spoza",)),
    (b'<wniosek><a href="java&#9;script:alert(1)">x</a></wniosek>', ("skrypt",)),
], ids=["remote-stylesheet", "mso-application", "pi-inside", "svg-script", "svg-onload", "foreign-object",
        "xhtml-script", "bare-script", "javascript-href", "xinclude", "xslt-root", "xlink-onload", "xlink-file",
        "tab-in-javascript"])
def test_active_xml_is_refused(sample: bytes, words: tuple[str, ...]) -> None:
    refused(sample, XML, "XML", *words)


def test_xml_that_is_also_a_pdf_is_refused() -> None:
    # Given well-formed XML whose first kilobyte holds a whole PDF (readers look for %PDF- that far in)
    sample = b"<wniosek><![CDATA[" + make_pdf().replace(b"%\xe2\xe3\xcf\xd3", b"") + b"]]></wniosek>"
    refused(sample, XML, "PDF")


def test_data_xml_with_namespaces_signatures_and_web_links_is_released() -> None:
    sample = (b'<?xml version="1.0" encoding="UTF-8"?><wnio:Dokument xmlns:wnio="http://crd.gov.pl/wzor/2013/12/'
              b'12/1410/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xlink="http://www.w3.org/1999/'
              b'xlink"><wnio:Tresc xlink:href="https://www.gov.pl/">Wniosek online</wnio:Tresc>'
              b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></wnio:Dokument>')
    released(sample, XML)


# --- images ----------------------------------------------------------------------------------------------------

def test_images_declaring_huge_dimensions_are_refused() -> None:
    png = make_png()
    huge_png = png[:16] + struct.pack(">II", 100_000, 100_000) + png[24:]
    refused(huge_png, PNG, "wymiary", "100000 × 100000")
    jpeg = h.jpeg_with_frame(60_000, 60_000)
    refused(jpeg, JPEG, "wymiary")
    refused(h.tiff_of(50_000, 50_000), TIFF, "wymiary")


def test_ordinary_images_are_released() -> None:
    for sample, kind in ((make_png(), PNG), (h.jpeg_with_frame(2480, 3508), JPEG), (h.tiff_of(2480, 3508), TIFF),
                         (make_jpeg(), JPEG)):
        released(sample, kind)
