"""PDF content policy: a document to read, nothing that runs, launches, embeds or fetches.

Two independent looks, and either refuses:
- the raw bytes, every name token decoded (`/J#61vaScript` is `/JavaScript`), outside stream data (all names)
  and inside it too for the long names; this sees objects a repairing reader might find outside the xref;
- pypdf (maintained, its own decompression limits) reads every object the xref names, including those
  packed in object streams, and the walk checks keys, action types and link targets there.
An encrypted PDF that opens without a password (only an owner password restricts printing, copying...) is
decrypted by pypdf and inspected like any other; one that needs a password to open is refused, unseen.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from typing import Any

from chalicelib.documents.filetypes.policy import Refused

MAX_OBJECTS = 200_000
MAX_INFLATED = 64 * 1024 * 1024  # all object streams found in the raw bytes, inflated together; and any one stream
_OTHER_FILTERS = frozenset({"LZWDecode", "ASCIIHexDecode", "ASCII85Decode", "RunLengthDecode", "Crypt", "LZW", "AHx",
                            "A85", "RL", "JBIG2Decode", "DCTDecode", "JPXDecode", "CCITTFaxDecode", "BrotliDecode"})
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
# A literal string, innermost first (escapes as the spec reads them): a link such as (https://x.pl/AA/) is not
# the name /AA. Long names are also looked for with strings left in, and pypdf reads names exactly.
_LITERAL = re.compile(rb"\((?:\\.|[^\\()])*\)", re.DOTALL)

_SCRIPT = "Plik PDF zawiera skrypt (JavaScript); przyjmujemy tylko dokumenty bez aktywnej zawartości."
_ACTION = ("Plik PDF zawiera akcję, która sama się uruchamia albo otwiera program lub plik spoza dokumentu "
           "({name}).")
_EMBEDDED = "Plik PDF zawiera osadzone pliki lub multimedia ({name}); prześlij je jako osobne załączniki."
_FORM = "Plik PDF zawiera formularz XFA; przyjmujemy dokumenty PDF bez formularzy XFA."
_LINK = "Plik PDF zawiera odnośnik, który nie prowadzi do strony WWW ani adresu e-mail."
_ENCRYPTED = "Plik PDF jest zaszyfrowany lub chroniony hasłem; prześlij go bez zabezpieczeń."
_BROKEN = "Pliku PDF nie da się odczytać (jest uszkodzony)."
_HIDDEN = "Plik PDF zapisuje obiekty w nietypowo zakodowanym strumieniu; prześlij PDF zapisany zwykłym programem."
_BOMB = "Plik PDF po rozpakowaniu byłby nieproporcjonalnie duży (dozwolone najwyżej 64 MiB)."

_REASONS: dict[str, str] = {
    **dict.fromkeys(("JavaScript", "JS"), _SCRIPT),
    **dict.fromkeys(("Launch", "GoToR", "GoToE", "SubmitForm", "ImportData", "Rendition", "AA"), _ACTION),
    **dict.fromkeys(("EmbeddedFile", "EmbeddedFiles", "EF", "FileAttachment", "RichMedia", "RichMediaExecute",
                     "Movie", "Sound", "3D"), _EMBEDDED),
    "XFA": _FORM,
}
# Annotations that play or run something (a Screen annotation, not the /Screen blend mode, which is harmless).
_ACTIVE_ANNOTATIONS = frozenset({"/Screen", "/Movie", "/Sound", "/3D", "/RichMedia", "/FileAttachment"})
_LONG = 6  # names this long never turn up by chance in binary stream data
_SAFE_ACTIONS = frozenset({"GoTo", "URI", "Named"})  # moving around the document, or a web link
# Named actions a reader may offer beyond these are menu commands (print, save as, ...): not navigation.
_PAGE_MOVES = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
_AUTOMATIC = frozenset({"GoTo", "Named"})  # an action that runs by itself (on opening) only navigates
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def check(content: bytes) -> None:
    _scan_names(content)
    _walk_objects(content)


def _decode(name: bytes) -> str:
    return _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name).decode("latin-1")


def _without_strings(data: bytes) -> bytes:
    for _ in range(64):  # one pass per level of nested parentheses
        stripped = _LITERAL.sub(b" ", data)
        if stripped == data:
            break
        data = stripped
    return data


def _scan_names(content: bytes) -> None:
    outside = _without_strings(_STREAM.sub(b"stream endstream", content))
    for match in _NAME.finditer(outside):
        _refuse_name(_decode(match.group(1)))
    for match in _NAME.finditer(content):
        name = _decode(match.group(1))
        if len(name) >= _LONG:
            _refuse_name(name)
    _scan_raw_object_streams(content)


def _scan_raw_object_streams(content: bytes) -> None:
    """Every Flate object stream found in the raw bytes, listed in the xref or not (a repairing reader may use
    one the xref leaves out), inflated up to a bound and scanned for names."""
    budget = MAX_INFLATED
    for match in _STREAM.finditer(content):
        head = content[max(0, match.start() - 2048):match.start()]
        dictionary = head[head.rfind(b"obj"):] if b"obj" in head else head
        names = {_decode(n.group(1)) for n in _NAME.finditer(dictionary)}
        if "ObjStm" not in names:
            continue
        if names & _OTHER_FILTERS:  # writers pack objects with Flate; anything else only serves to hide them
            raise Refused(_HIDDEN)
        data = match.group(0)[len(b"stream"):-len(b"endstream")].lstrip(b"\r\n")
        try:
            packed = zlib.decompressobj().decompress(data, budget) if "FlateDecode" in names else data[:budget]
        except zlib.error:
            continue  # not a stream any reader could inflate either
        budget -= len(packed)
        if budget <= 0:
            raise Refused(_BOMB)
        for name in _NAME.finditer(_without_strings(packed)):
            _refuse_name(_decode(name.group(1)))


def _scan_object_stream(node: Any) -> None:
    """Every name in a decoded object stream: it holds only objects, so no name there is there by chance, and
    this also covers packed objects the xref does not list (a repairing reader may still find them)."""
    if node.get("/Type") == "/ObjStm":
        for match in _NAME.finditer(_without_strings(node.get_data())):
            _refuse_name(_decode(match.group(1)))


def _refuse_name(name: str) -> None:
    reason = _REASONS.get(name)
    if reason is not None:
        raise Refused(reason.format(name=f"/{name}"))


def _walk_objects(content: bytes) -> None:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is our verdict, not a log warning
    try:
        with apply_configuration(zlib_maximum_output_length=MAX_INFLATED, lzw_maximum_output_length=MAX_INFLATED,
                                 run_length_maximum_output_length=MAX_INFLATED,
                                 stream_decoding_work_maximum_length=MAX_INFLATED):
            _walk_reader(PdfReader(io.BytesIO(content), strict=False))
    except Refused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError,
            AssertionError, NotImplementedError) as exc:
        raise Refused(_BROKEN) from exc


def _walk_reader(reader: Any) -> None:
    """Every object the xref lists, directly or in an object stream (pypdf's limits lowered to ours)."""
    if reader.is_encrypted and not reader.decrypt(""):
        raise Refused(_ENCRYPTED)
    _check_tree(reader.trailer, reader)
    ids = [(num, gen) for gen, table in reader.xref.items() for num in table]
    ids += [(num, 0) for num in reader.xref_objStm]
    if len(ids) > MAX_OBJECTS:
        raise Refused(_BROKEN)
    for num, gen in ids:
        _check_tree(reader.get_object(_indirect(num, gen, reader)), reader)


def _indirect(num: int, gen: int, reader: Any) -> Any:
    from pypdf.generic import IndirectObject

    return IndirectObject(num, gen, reader)


def _check_tree(root: Any, reader: Any) -> None:
    """Every dictionary and array inside one object (references are not followed: each object is visited)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, StreamObject):
            _scan_object_stream(node)
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                _refuse_name(str(key).lstrip("/"))
                stack.append((value, str(key)))
            _check_action(node, parent, reader)
            if node.get("/Subtype") in _ACTIVE_ANNOTATIONS:
                raise Refused(_EMBEDDED.format(name=str(node.get("/Subtype"))))
        elif isinstance(node, ArrayObject):
            stack.extend((item, parent) for item in node)
        elif isinstance(node, NameObject):
            _refuse_name(str(node).lstrip("/"))
        elif isinstance(node, IndirectObject) and parent in ("/OpenAction", "/A", "/Next"):
            _check_action(_resolved(node), parent, reader)


def _resolved(node: Any) -> Any:
    try:
        return node.get_object()
    except Exception as exc:  # a dangling reference to an action: unreadable, not harmless
        raise Refused(_BROKEN) from exc


def _check_action(node: Any, parent: str, reader: Any) -> None:
    from pypdf.generic import DictionaryObject

    if not isinstance(node, DictionaryObject):
        return
    is_action = parent in ("/OpenAction", "/A", "/Next") or node.get("/Type") == "/Action"
    kind = str(node.get("/S", "")).lstrip("/")
    if not is_action or not kind:
        return
    if kind not in _SAFE_ACTIONS or (parent == "/OpenAction" and kind not in _AUTOMATIC):
        raise Refused(_REASONS.get(kind, _ACTION).format(name=f"/{kind}"))
    if kind == "Named" and node.get("/N") not in _PAGE_MOVES:
        raise Refused(_ACTION.format(name=f"/Named {node.get('/N')}"))
    if kind == "URI":
        target = node.get("/URI")
        if target is not None and hasattr(target, "get_object"):
            target = target.get_object()
        text = bytes(target).decode("latin-1") if isinstance(target, bytes) else str(target or "")
        if not text.strip().lower().startswith(_SAFE_SCHEMES):
            raise Refused(_LINK)
