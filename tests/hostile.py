"""Hostile attachments, built in code and small: active PDFs, polyglots, macro and remote-template office files,
zip bombs (generated in memory), active XML. Each is a real file of its type that a reader would open."""

from __future__ import annotations

import io
import struct
import zlib

from tests.files import CONTENT_TYPES, ODT, ODT_MANIFEST, RELS, WORD_DOCUMENT, make_png, pdf, zipped

__all__ = ["make_png", "pdf"]

GiB = 1024 * 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE compound file header (VBA projects, OLE objects)


# --- PDF (built by tests.files.pdf) ---------------------------------------------------------------------------

def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def pdf_with_action_in_object_stream(action: bytes) -> bytes:
    """PDF 1.5: the catalog's /OpenAction is object 5, packed (compressed) in object stream 4; xref stream 6."""
    packed = b"5 0 " + action
    objstm = zlib.compress(packed)
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(objstm), objstm),
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets]
    rows += [struct.pack(">BIH", 2, 4, 0), struct.pack(">BIH", 1, xref_at, 0)]
    table = zlib.compress(b"".join(rows))
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\n" % (len(table), table))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


# --- office documents -----------------------------------------------------------------------------------------

def docx(*extra: tuple[str, bytes], content_types: bytes = CONTENT_TYPES, document: bytes = WORD_DOCUMENT,
         document_rels: bytes | None = None) -> bytes:
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", RELS), ("word/document.xml", document)]
    if document_rels is not None:
        parts.append(("word/_rels/document.xml.rels", document_rels))
    return zipped(*parts, *extra)


def relationships(*rels: tuple[str, str, str]) -> bytes:
    """(type's last segment, target, target mode) -> a .rels part."""
    body = b"".join(
        b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" '
        b'Target="%s"%s/>' % (n, kind.encode(), target.encode(),
                              b' TargetMode="%s"' % mode.encode() if mode else b"")
        for n, (kind, target, mode) in enumerate(rels, start=10))
    return (b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + body + b"</Relationships>")


def word_document(body: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body>" + body + b"</w:body></w:document>")


def content_types_with(override: bytes) -> bytes:
    return CONTENT_TYPES.replace(b"</Types>", override + b"</Types>")


def odt(*extra: tuple[str, bytes], content: bytes | None = None, manifest: bytes = ODT_MANIFEST) -> bytes:
    return zipped(("mimetype", ODT.encode()), ("content.xml", content or odt_content(b"")),
                  ("META-INF/manifest.xml", manifest), *extra)


def odt_content(text: bytes, *, head: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            b'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
            b'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3">' + head +
            b"<office:body><office:text>" + text + b"</office:text></office:body></office:document-content>")


def zip_bomb(inflated: int = GiB, *, entry: str = "word/media/obraz.png") -> bytes:
    """A DOCX whose one extra part is `inflated` bytes of zeros: about 1 MB on disk for 1 GiB inflated.

    The deflate stream is one sync-flushed segment (1 MiB of zeros) repeated, then an empty final block: valid
    (every back-reference lands on zeros), and built in a second instead of deflating a gigabyte."""
    block = 1024 * 1024
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = deflater.compress(bytes(block)) + deflater.flush(zlib.Z_SYNC_FLUSH)
    crc, zeros = 0, bytes(16 * block)
    for _ in range(inflated // len(zeros)):
        crc = zlib.crc32(zeros, crc)
    data = segment * (inflated // block) + b"\x03\x00"
    entries = [_deflated(name, part) for name, part in
               (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("word/document.xml", WORD_DOCUMENT))]
    entries.append((entry.encode(), data, crc, inflated))
    return _zip(entries)


def _deflated(name: str, content: bytes) -> tuple[bytes, bytes, int, int]:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name.encode(), deflater.compress(content) + deflater.flush(), zlib.crc32(content), len(content)


def _zip(entries: list[tuple[bytes, bytes, int, int]]) -> bytes:
    """A ZIP written by hand: (name, deflated data, CRC-32, inflated size) per entry."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in entries:
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(data), size)
        directory += (b"PK\x01\x02" + struct.pack("<H", 20) + fields
                      + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, len(out)) + name)
        out += b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name + data
    offset = len(out)
    out += directory + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory),
                                                   offset, 0)
    return bytes(out)


def many_parts(count: int) -> bytes:
    """A DOCX with `count` empty parts besides its own, written by hand (zipfile takes seconds for this)."""
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("word/document.xml", WORD_DOCUMENT)]
    empty = _deflated("", b"")[1:]
    return _zip([_deflated(n, c) for n, c in parts] + [(f"word/media/{i}".encode(), *empty) for i in range(count)])


def many_small_bombs() -> bytes:
    """Each part below any per-part ratio floor, together far past the archive's inflated limit."""
    zeros = bytes(900 * 1024)
    return docx(*((f"word/media/p{i}.png", zeros) for i in range(100)))


# --- images ---------------------------------------------------------------------------------------------------

def png_with_text(text: bytes) -> bytes:
    png = make_png()
    data = b"Comment\x00" + text
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:33] + chunk + png[33:]  # after the 8-byte signature and the 25-byte IHDR chunk


def jpeg_with_comment(text: bytes) -> bytes:
    com = b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + com + b"\xff\xd9"


def jpeg_with_frame(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def tiff_of(width: int, height: int) -> bytes:
    entries = [(256, 4, 1, width), (257, 4, 1, height), (259, 3, 1, 1), (262, 3, 1, 1)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd


def encrypted(sample: bytes, *, user_password: str = "") -> bytes:
    """`sample` encrypted (AES-256) as banks and offices do: an owner password, and maybe one to open it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample)))
    writer.encrypt(user_password=user_password, owner_password="wlasciciel", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
