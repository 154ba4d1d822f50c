"""DOCX and ODT content policy: text documents without macros, embedded objects or anything fetched from
outside. The archive is first read whole under archive.py's bounds (entries, names, sizes, ratio, nothing
foreign inside), and every XML part is parsed under the rules for untrusted XML (no DOCTYPE, no entities).

DOCX: no content type or relationship of macros, ActiveX, OLE objects, embedded packages, alternative-format
chunks or sub-documents, whatever the part is called; no relationship to anything outside the file
(TargetMode="External" in any part) except a hyperlink to a web page or e-mail address; no field that runs
DDE or pulls in other files (DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE, IMPORT, LINK).
ODT: no Basic/ or Scripts/ folder, no script, event-listener or DDE element, no embedded OLE object, applet,
plugin or frame, and links (xlink:href) only to web pages or e-mail from text, or to the file's own parts.
"""

from __future__ import annotations

import re

from lxml import etree

from chalicelib.documents.filetypes import archive, markup
from chalicelib.documents.filetypes.policy import Refused

_MACROS = "Plik {what} zawiera makra lub skrypty; przyjmujemy dokumenty bez makr."
_OBJECTS = "Plik {what} zawiera osadzone obiekty lub kontrolki ({name}); przyjmujemy sam tekst z ilustracjami."
_EXTERNAL = ("Plik {what} wczytuje treść spoza pliku ({name}), np. zdalny szablon; "
             "przyjmujemy dokumenty bez odwołań zewnętrznych.")
_FIELD = "Plik {what} zawiera pole, które uruchamia polecenia lub wczytuje inne pliki ({name})."

_DOCX_FORBIDDEN_TYPES = ("vba", "macro", "activex", "oleobject", "ole-object", "sun.star.basic", "script", "keymap",
                         "toolbars")
_DOCX_FORBIDDEN_RELATIONSHIPS = frozenset({
    "vbaproject", "vbaprojectsignature", "wordvbadata", "oleobject", "package", "activexcontrol",
    "activexcontrolbinary", "control", "attachedtemplate", "subdocument", "afchunk", "frame", "attachedtoolbars",
    "keymapcustomizations", "recipientdata", "mailmergesource", "mailmergeheadersource",
})
_WEB = ("http://", "https://", "mailto:")
_FIELDS = re.compile(r"^\s*(DDE|DDEAUTO|INCLUDETEXT|INCLUDEPICTURE|IMPORT|INCLUDE|LINK)\b", re.IGNORECASE)
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_SCRIPT = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_ODF_ACTIVE = frozenset({
    (_OFFICE, "scripts"), (_OFFICE, "script"), (_OFFICE, "event-listeners"), (_OFFICE, "dde-source"),
    (_ODF_TEXT, "dde-connection-decls"), (_ODF_TEXT, "dde-connection-decl"), (_ODF_TEXT, "dde-connection"),
    (_ODF_TEXT, "execute-macro"), (_ODF_TEXT, "script"),
})
_ODF_OBJECTS = frozenset({"object-ole", "applet", "plugin", "floating-frame"})
_ODF_SCRIPT_LINKS = ("vnd.sun.star.script:", "macro:", "javascript:", "vbscript:", "basic:", "service:")
_ODF_MACRO_TYPES = ("basic", "script", "oleobject", "ole-object", "x-ole", "java")


def check_docx(content: bytes) -> None:
    what = "DOCX"
    found = archive.read(content, keep=(".xml", ".rels", ".svg"), what=what)
    for name, data in found.parts.items():
        tree = markup.parse(data)
        low = name.lower()  # part names are case-insensitive in OPC
        if low.endswith(".svg"):
            markup.check_svg_picture(tree, what)
            continue
        if low == "[content_types].xml":
            _docx_content_types(tree, what)
        elif low.endswith(".rels"):
            _docx_relationships(tree, what)
        _docx_fields(tree, what)


def _docx_content_types(tree: etree._ElementTree, what: str) -> None:
    for node in tree.getroot().iter(f"{{{_CT}}}Default", f"{{{_CT}}}Override"):
        kind = (node.get("ContentType") or "").lower()
        if any(word in kind for word in _DOCX_FORBIDDEN_TYPES):
            raise Refused(_MACROS.format(what=what) if "vba" in kind or "macro" in kind
                          else _OBJECTS.format(what=what, name=kind))


def _docx_relationships(tree: etree._ElementTree, what: str) -> None:
    for rel in tree.getroot().iter(_RELS):
        kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1].lower()
        target = (rel.get("Target") or "").strip()
        if kind in ("vbaproject", "wordvbadata", "vbaprojectsignature"):
            raise Refused(_MACROS.format(what=what))
        if kind in _DOCX_FORBIDDEN_RELATIONSHIPS:
            raise Refused(_OBJECTS.format(what=what, name=kind) if kind != "attachedtemplate"
                          else _EXTERNAL.format(what=what, name=target[:80]))
        external = (rel.get("TargetMode") or "").lower() == "external"
        if external and not (kind == "hyperlink" and target.lower().startswith(_WEB)):
            raise Refused(_EXTERNAL.format(what=what, name=target[:80]))
        web_link = kind == "hyperlink" and target.lower().startswith(_WEB)
        if not web_link and (markup.has_scheme(target) or target.startswith(("\\", "//"))):
            # a URL or a network path without TargetMode="External": some readers still follow it
            raise Refused(_EXTERNAL.format(what=what, name=target[:80]))


def _docx_fields(tree: etree._ElementTree, what: str) -> None:
    """Each field's instruction, put together from all its runs (Word joins them), nested fields apart.
    Matched by local name: transitional and strict OOXML put WordprocessingML in different namespaces."""
    instructions: list[str] = []
    open_fields: list[list[str]] = []
    for node in tree.getroot().iter():
        if not isinstance(node.tag, str):
            continue
        local = markup.split(node.tag)[1]
        attrs = {markup.split(str(k))[1]: str(v) for k, v in node.attrib.items()}
        if local == "fldSimple":
            instructions.append(attrs.get("instr", ""))
        elif local == "instrText":
            (open_fields[-1] if open_fields else instructions).append(node.text or "")
        elif local == "fldChar" and attrs.get("fldCharType") == "begin":
            open_fields.append([])
        elif local == "fldChar" and attrs.get("fldCharType") == "end" and open_fields:
            instructions.append("".join(open_fields.pop()))
    instructions += ["".join(parts) for parts in open_fields]
    for text in instructions:
        match = _FIELDS.match(text)
        if match:
            raise Refused(_FIELD.format(what=what, name=match.group(1).upper()))


def check_odt(content: bytes) -> None:
    what = "ODT"
    found = archive.read(content, keep=(".xml", ".rdf", ".svg"), what=what)
    for name in found.names:
        top = name.split("/", 1)[0].lower()
        if top in ("basic", "scripts", "dialogs"):
            raise Refused(_MACROS.format(what=what))
    for name, data in found.parts.items():
        tree = markup.parse(data)
        if name.lower().endswith(".svg"):
            markup.check_svg_picture(tree, what)
        elif name == "META-INF/manifest.xml":
            _odt_manifest(tree, what)
        else:
            _odt_part(tree, what)


def _odt_manifest(tree: etree._ElementTree, what: str) -> None:
    for node in tree.getroot().iter():
        if not isinstance(node.tag, str):
            continue
        for attr, value in node.attrib.items():
            if markup.split(str(attr))[1] == "media-type" and any(w in str(value).lower() for w in _ODF_MACRO_TYPES):
                raise Refused(_MACROS.format(what=what))


def _odt_part(tree: etree._ElementTree, what: str) -> None:
    for node in tree.getroot().iter():
        if not isinstance(node.tag, str):
            continue
        namespace, local = markup.split(node.tag)
        if namespace == _ODF_SCRIPT or (namespace, local) in _ODF_ACTIVE:
            raise Refused(_MACROS.format(what=what))
        if local in _ODF_OBJECTS:
            raise Refused(_OBJECTS.format(what=what, name=local))
        if any(markup.link_text(str(v)).startswith(_ODF_SCRIPT_LINKS) for v in node.attrib.values()):
            raise Refused(_MACROS.format(what=what))
        href = (node.get(_XLINK_HREF) or "").strip()
        if not href:
            continue
        low = markup.link_text(href)
        if (namespace, local) == (_ODF_TEXT, "a"):
            if markup.has_scheme(low) and not low.startswith(_WEB):
                raise Refused(_EXTERNAL.format(what=what, name=href[:80]))
        elif markup.has_scheme(low) or low.startswith(("/", "..", "\\")):
            raise Refused(_EXTERNAL.format(what=what, name=href[:80]))
