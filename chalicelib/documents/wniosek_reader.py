"""Reading an application back from its document: the form data, the attachments it names, its id."""

from __future__ import annotations

import base64
from typing import Any

from lxml import etree

from chalicelib.documents.epuap import (
    FORM_NS,
    FORM_NS_PREFIX,
    LIST_ATTRIBUTE,
    META,
    NAME,
    STR,
    WNIO,
    DocumentError,
    ReadDocument,
    q,
)


def read(root: etree._Element) -> ReadDocument:
    """The form data of a document `render` produced (or one a resident signed after downloading it).

    Values come back as text for every leaf and as lists for repeatable fields; no definition is needed.
    """
    tresc, form = _form_block(root)
    namespace = etree.QName(form).namespace or ""
    match = FORM_NS.match(namespace)
    service, version, terc = form.get("usluga"), form.get("wersja"), form.get("jst")
    if match is None or service != match.group(1) or version != match.group(2):
        raise DocumentError("form_malformed",
                            "Oznaczenie usługi lub wersji formularza nie zgadza się z przestrzenią nazw.")
    if not terc or not terc.isdigit():
        raise DocumentError("form_malformed", "Blok danych formularza nie wskazuje jednostki (atrybut jst).")
    values = _read_children(form, namespace)
    attachments = _attachments(tresc, namespace)
    return ReadDocument(service=match.group(1), version=int(match.group(2)), terc=terc, values=values,
                        attachment_ids=[identifier for identifier, _ in attachments],
                        document_id=_document_id(root), digests=dict(attachments))


def _form_block(root: etree._Element) -> tuple[etree._Element, etree._Element]:
    """The document's content and its one form data block (any form namespace)."""
    if root.tag != q(WNIO, "Dokument"):
        raise DocumentError("document_not_application",
                            "To nie jest wniosek elektroniczny (oczekiwano elementu wnio:Dokument).")
    tresc = root.find(q(WNIO, "TrescDokumentu"))
    if tresc is None:
        raise DocumentError("form_missing", "Dokument nie zawiera treści (wnio:TrescDokumentu).")
    forms = [el for el in tresc if isinstance(el.tag, str) and etree.QName(el).localname == "Formularz"
             and (etree.QName(el).namespace or "").startswith(FORM_NS_PREFIX)]
    if not forms:
        raise DocumentError("form_missing", "Dokument nie zawiera danych formularza (f:Formularz).")
    if len(forms) > 1:
        raise DocumentError("form_malformed", "Dokument zawiera więcej niż jeden blok danych formularza.")
    return tresc, forms[0]


def _attachments(tresc: etree._Element, namespace: str) -> list[tuple[str, str]]:
    """The attachments the document names, in its order: (id, the SHA-256 it certifies, hex)."""
    found: list[tuple[str, str]] = []
    zalaczniki = tresc.find(q(STR, "Zalaczniki"))
    if zalaczniki is None:
        return found
    for zalacznik in zalaczniki.iterchildren(q(STR, "Zalacznik")):
        reference = zalacznik.find(q(namespace, "Odnosnik"))
        identifier = reference.get("identyfikator") if reference is not None else None
        if not identifier or reference is None:
            raise DocumentError("form_malformed", "Załącznik nie ma odnośnika do przesłanego pliku.")
        try:
            found.append((identifier, base64.b64decode(reference.get("skrot") or "", validate=True).hex()))
        except ValueError as exc:
            raise DocumentError("form_malformed", "Skrót załącznika nie jest poprawnym base64.") from exc
    return found


def _document_id(root: etree._Element) -> str | None:
    opis = root.find(q(WNIO, "OpisDokumentu"))
    if opis is None:
        return None
    for identifier in opis.iterchildren(q(META, "Identyfikator")):
        if identifier.get("typIdentyfikatora") == "IdDokumentu":
            value = identifier.findtext(q(META, "Wartosc"))
            return value if value else None
    return None


def _read_children(parent: etree._Element, namespace: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lists: set[str] = set()
    for child in parent:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions carry no data
        qname = etree.QName(child)
        if qname.namespace != namespace or not NAME.match(qname.localname):
            raise DocumentError("form_malformed", f"Nieoczekiwany element „{qname.localname}” w danych formularza.")
        name = qname.localname
        marker = child.get(LIST_ATTRIBUTE)
        if marker not in (None, "true"):
            raise DocumentError("form_malformed", f"Element „{name}” ma nieprawidłowy atrybut {LIST_ATTRIBUTE}.")
        value = _read_value(child, namespace)
        if name in out and (marker == "true") != (name in lists):
            raise DocumentError("form_malformed", f"Pole „{name}” jest zarówno pojedyncze, jak i powtarzalne.")
        if marker == "true":
            out.setdefault(name, []).append(value)
            lists.add(name)
        elif name in out:
            raise DocumentError("form_malformed", f"Pole „{name}” występuje więcej niż raz.")
        else:
            out[name] = value
    return out


def _read_value(element: etree._Element, namespace: str) -> Any:
    texts = [element.text or "", *(child.tail or "" for child in element)]
    if any(isinstance(child.tag, str) for child in element):
        if any(text.strip() for text in texts):
            raise DocumentError("form_malformed",
                                f"Element „{etree.QName(element).localname}” łączy tekst z elementami.")
        return _read_children(element, namespace)
    return "".join(texts)
