"""Image content policy: decoders run no code, so beyond the common polyglot rules only the size a viewer
would have to decompress is bounded: the declared pixel dimensions (a 1 KB PNG can declare 100 000 x 100 000)."""

from __future__ import annotations

import struct

from chalicelib.documents.filetypes.policy import Refused

MAX_SIDE = 30_000
MAX_PIXELS = 200_000_000  # a 600 dpi A3 scan is about 70 million
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def check(content: bytes, kind: str) -> None:
    for width, height in _dimensions(content, kind):
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise Refused(f"Obraz ma za duże wymiary ({width} × {height} pikseli; dozwolone najwyżej "
                          f"{MAX_SIDE} na bok i {MAX_PIXELS // 1_000_000} milionów pikseli).")


def _dimensions(content: bytes, kind: str) -> list[tuple[int, int]]:
    try:
        if kind == "image/png":
            return [struct.unpack(">II", content[16:24])]
        if kind == "image/jpeg":
            return _jpeg(content)
        if kind == "image/tiff":
            return _tiff(content)
    except struct.error as exc:
        raise Refused("Obrazu nie da się odczytać (jest uszkodzony).") from exc
    return []


def _jpeg(content: bytes) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    at = 2
    while at + 4 <= len(content) and content[at] == 0xFF:
        marker, length = content[at + 1], struct.unpack(">H", content[at + 2:at + 4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", content[at + 5:at + 9])
            found.append((width, height))
        if marker == 0xDA:  # the image data follows; frame headers come before it
            break
        at += 2 + length
    return found


def _tiff(content: bytes) -> list[tuple[int, int]]:
    order = "<" if content[:2] == b"II" else ">"
    found: list[tuple[int, int]] = []
    seen: set[int] = set()
    offset = struct.unpack(order + "I", content[4:8])[0]
    while offset and offset not in seen and len(seen) < 1000:  # every page (IFD), each once
        seen.add(offset)
        count = struct.unpack(order + "H", content[offset:offset + 2])[0]
        tags: dict[int, int] = {}
        for n in range(count):
            tag, kind, _, value = struct.unpack(order + "HHI4s", content[offset + 2 + 12 * n:offset + 14 + 12 * n])
            if tag in (256, 257):
                tags[tag] = struct.unpack(order + ("H" if kind == 3 else "I"), value[:2 if kind == 3 else 4])[0]
        found.append((tags.get(256, 0), tags.get(257, 0)))
        offset = struct.unpack(order + "I", content[offset + 2 + 12 * count:offset + 6 + 12 * count])[0]
    return found
