"""The content policy per accepted attachment type: what a file of that type may not contain, with the Polish
reason the resident sees. The type itself is already known (sniffing.py); this decides whether it is released.

Common to every type: no second format hidden in the same bytes (polyglots: a ZIP directory anywhere, a PDF
header where a PDF reader would find it, HTML or script a browser would run). Then each type's own rules:
pdf.py, office.py (DOCX, ODT, over archive.py's bounded reading), markup.py (XML). Images have only the
common rules and a bound on their pixel dimensions (images.py): their decoders run no code.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile


class Refused(Exception):
    """The file breaks its type's content policy; the message (Polish) says why, for the resident."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_PDF_WINDOW = 1024  # PDF readers accept the header anywhere in the first 1 KiB
# Markup a browser would render or run if it ever treated the bytes as a page.
_HTML = re.compile(rb"<\s*(?:script|html|iframe|frameset|object|embed|svg|meta\s+http-equiv)[\s/>]"
                   rb"|javascript\s*:|vbscript\s*:", re.IGNORECASE)


def refusal(content: bytes, content_type: str) -> str | None:
    """Why a file of `content_type` (its true type) is refused; None when the policy lets it through."""
    from chalicelib.documents.filetypes import images, markup, office, pdf
    from chalicelib.documents.filetypes.sniffing import DOCX, ODT, PDF, XML

    try:
        _no_hidden_formats(content, content_type)
        if content_type == XML:
            markup.check_xml(content)
        elif content_type == PDF:
            pdf.check(content)
        elif content_type == DOCX:
            office.check_docx(content)
        elif content_type == ODT:
            office.check_odt(content)
        else:
            images.check(content, content_type)
    except Refused as refused:
        return refused.reason
    except Exception:  # a reader's bug on a crafted file must not stop the check: unreadable means refused
        logging.getLogger(__name__).exception("content policy failed on a file", extra={"type": content_type})
        return "Pliku nie da się w całości odczytać i sprawdzić; prześlij go ponownie, zapisany jeszcze raz."
    return None


def _no_hidden_formats(content: bytes, content_type: str) -> None:
    from chalicelib.documents.filetypes.sniffing import DOCX, ODT, PDF, XML

    zipped = content_type in (DOCX, ODT)
    if content_type != PDF and b"%PDF-" in content[:_PDF_WINDOW]:
        raise Refused("Plik jest jednocześnie dokumentem PDF (plik-poliglota); prześlij każdy dokument osobno.")
    if not zipped and _has_zip_directory(content):
        raise Refused("Plik zawiera ukryte archiwum ZIP (plik-poliglota); prześlij sam dokument.")
    if zipped and not content.startswith(b"PK\x03\x04"):
        raise Refused("Przed dokumentem w pliku są dołączone inne dane (plik-poliglota).")
    # XML is parsed and judged by its elements instead (markup.py): text that merely mentions a tag is data.
    if content_type != XML and _HTML.search(content):
        raise Refused("Plik zawiera kod strony internetowej lub skrypt, który przeglądarka mogłaby uruchomić.")


def _has_zip_directory(content: bytes) -> bool:
    if b"PK\x05\x06" not in content[-(65535 + 22 + 1024):] and b"PK\x06\x06" not in content:
        return False
    try:
        return zipfile.is_zipfile(io.BytesIO(content)) or b"PK\x03\x04" in content
    except (OSError, ValueError):
        return True
