"""Parsing XML that came from outside: bounded size, no DTD, no entities, no network."""

from __future__ import annotations

from lxml import etree

_NO_DOCTYPE = "Dokument nie może zawierać deklaracji DOCTYPE ani encji."


class UnreadableDocument(Exception):
    """The input cannot be verified at all (too large, not XML, forbidden constructs, no signature)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: list[dict[str, str]] = []  # field, code, message: what exactly is wrong, when known


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=False, remove_pis=False)


def parse_untrusted(data: bytes, *, max_bytes: int) -> etree._ElementTree:
    if len(data) > max_bytes:
        raise UnreadableDocument("xml_too_large", f"Dokument jest za duży (limit {max_bytes} bajtów).")
    # A DOCTYPE is never needed in signed office documents and carries every entity attack (XXE, billion
    # laughs); refuse it before libxml2 reads the internal subset. Checked again after parsing for
    # encodings where the bytes would not show it (UTF-16).
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnreadableDocument("doctype_forbidden", _NO_DOCTYPE)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise UnreadableDocument(
            "xml_malformed", f"To nie jest poprawny dokument XML (błąd w wierszu {line}, kolumna {column}).") from None
    except ValueError:
        raise UnreadableDocument("xml_malformed", "To nie jest poprawny dokument XML.") from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.system_url or tree.docinfo.public_id:
        raise UnreadableDocument("doctype_forbidden", _NO_DOCTYPE)
    return tree
