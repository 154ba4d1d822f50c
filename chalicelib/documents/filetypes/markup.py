"""XML content policy: data, not a page or a program. Parsed under the platform's rules for untrusted XML (no
DOCTYPE, no entities, no network); then nothing a browser or an office suite would run or fetch:
- no processing instructions at all (`xml-stylesheet` fetches and runs XSLT, `mso-application` hands the file
  to Word), anywhere in the document;
- no element of HTML, SVG, XSLT or XInclude anywhere (not only at the root), no element called `script`;
- no attribute that is an event handler of markup (`on…` on any element outside plain data namespaces is
  already covered by the above) and no value that is a `javascript:`/`vbscript:`/`data:` link;
- no XLink that loads by itself (`xlink:actuate="onLoad"`) or points outside the web (`file:` etc).
"""

from __future__ import annotations

from lxml import etree

from chalicelib.documents.filetypes.policy import Refused
from chalicelib.signatures.xmlsafe import UnreadableDocument, parse_untrusted

_ACTIVE_NAMESPACES = frozenset({
    "http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg", "http://www.w3.org/1999/XSL/Transform",
    "http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude", "urn:schemas-microsoft-com:office:office",
    "urn:schemas-microsoft-com:vml", "http://schemas.microsoft.com/office/word/2003/wordml",
})
_XLINK = "http://www.w3.org/1999/xlink"
_SCRIPT_VALUES = ("javascript:", "vbscript:", "data:", "livescript:")
_WEB = ("http://", "https://", "mailto:", "#")
_PICTURE_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;")

_PI = ("Plik XML zawiera instrukcję przetwarzania ({name}), np. zewnętrzny arkusz stylów; "
       "przyjmujemy XML bez instrukcji przetwarzania.")
_ACTIVE = "Plik XML zawiera treść strony internetowej, grafiki SVG lub przekształcenia XSLT ({name})."
_SCRIPT = "Plik XML zawiera skrypt lub odnośnik uruchamiający skrypt."
_EXTERNAL = "Plik XML odwołuje się do zasobu spoza pliku, który wczytywałby się sam ({name})."
_BROKEN = "Pliku XML nie da się odczytać: {detail}"
_SVG_ACTIVE = "Plik {what} zawiera obraz SVG ze skryptem lub odwołaniem na zewnątrz ({name})."


def parse(content: bytes) -> etree._ElementTree:
    try:
        return parse_untrusted(content, max_bytes=len(content) + 1)
    except UnreadableDocument as exc:
        raise Refused(_BROKEN.format(detail=exc.message)) from exc


def check_xml(content: bytes) -> None:
    check_tree(parse(content))


def check_tree(tree: etree._ElementTree) -> None:
    root = tree.getroot()
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        if isinstance(sibling, etree._ProcessingInstruction):
            raise Refused(_PI.format(name=sibling.target))
    for node in root.iter():
        if isinstance(node, etree._ProcessingInstruction):
            raise Refused(_PI.format(name=node.target))
        if not isinstance(node.tag, str):  # comments, entities (none: entities are refused at parsing)
            continue
        namespace, local = split(node.tag)
        if namespace in _ACTIVE_NAMESPACES or local.lower() == "script":
            raise Refused(_ACTIVE.format(name=f"<{local}>"))
        for raw_name, raw_value in node.attrib.items():
            name, value = str(raw_name), str(raw_value)
            if link_text(value).startswith(_SCRIPT_VALUES):
                raise Refused(_SCRIPT)
            attr_namespace, attr_local = split(name)
            if attr_namespace == _XLINK and (
                    (attr_local == "actuate" and value.strip() == "onLoad")
                    or (attr_local == "href" and has_scheme(value) and not value.startswith(_WEB))):
                raise Refused(_EXTERNAL.format(name=value[:80]))


def link_text(value: str) -> str:
    """A link as a browser reads it: ASCII whitespace and controls dropped anywhere (`java\tscript:` runs)."""
    return "".join(c for c in value if ord(c) > 32).lower()


def has_scheme(link: str) -> bool:
    """`file:///x`, `smb:x`, `C:\\x` - anything but a path relative to the file itself."""
    return ":" in link.partition("/")[0]


def split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def check_svg_picture(tree: etree._ElementTree, what: str) -> None:
    """An SVG picture inside an office document: drawing only. No script, no event handler (`on…`), no
    foreignObject (HTML inside), no link that runs script or loads something from outside the file."""
    for node in tree.getroot().iter():
        if not isinstance(node.tag, str):
            continue
        local = split(node.tag)[1]
        if local.lower() in ("script", "foreignobject", "handler", "listener"):
            raise Refused(_SVG_ACTIVE.format(what=what, name=f"<{local}>"))
        for raw_name, raw_value in node.attrib.items():
            name, value = split(str(raw_name))[1].lower(), link_text(str(raw_value))
            if value.startswith(_PICTURE_DATA):  # a raster picture carried inside the drawing
                continue
            if name.startswith("on") or value.startswith(_SCRIPT_VALUES) or (
                    name == "href" and (has_scheme(value) or value.startswith("//"))):
                raise Refused(_SVG_ACTIVE.format(what=what, name=f"{name}={str(raw_value)[:60]}"))
