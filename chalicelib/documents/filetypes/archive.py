"""Reading a ZIP container (DOCX, ODT) from outside, bounded: entry count, names, declared and actual sizes,
compression ratio, and no archive, executable or OLE object hidden inside.

Every entry is inflated in chunks and counted as it comes, so a header that lies about the size stops the
read at the limit instead of filling memory; only the parts the policy needs (XML, small) are kept.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from chalicelib.documents.filetypes.policy import Refused

MiB = 1024 * 1024
MAX_ENTRIES = 1000
MAX_TOTAL = 64 * MiB  # all entries inflated together
MAX_RATIO = 100  # inflated / compressed, for the archive and for each entry that inflates past RATIO_FLOOR
RATIO_FLOOR = 1 * MiB  # small parts compress as they like: a ratio means nothing below this size
MAX_KEPT_PART = 16 * MiB  # an XML part the policy reads
_CHUNK = 64 * 1024

# Entry contents that are never a part of a text document: archives, executables, OLE objects (macros,
# embedded objects), PDFs. Matched on the first bytes of each inflated entry, whatever its name.
_FOREIGN = (
    (b"PK\x03\x04", "archiwum ZIP"), (b"PK\x05\x06", "archiwum ZIP"), (b"PK\x07\x08", "archiwum ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "obiekt OLE (makra lub osadzony obiekt)"),
    (b"MZ", "program (Windows)"), (b"\x7fELF", "program (Linux)"), (b"\xcf\xfa\xed\xfe", "program (macOS)"),
    (b"\xca\xfe\xba\xbe", "program (macOS/Java)"), (b"\x1f\x8b", "archiwum gzip"), (b"Rar!", "archiwum RAR"),
    (b"7z\xbc\xaf\x27\x1c", "archiwum 7z"), (b"MSCF", "archiwum CAB"), (b"%PDF-", "dokument PDF"),
)
_FOREIGN_EXTENSIONS = frozenset({
    "exe", "dll", "scr", "com", "bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "msi", "msp",
    "jar", "lnk", "pif", "cpl", "reg", "sh", "so", "dylib", "zip", "rar", "7z", "gz", "cab", "iso", "docm", "dotm",
    "xlsm", "pptm", "xll", "ocx", "sys",
})


@dataclass
class Archive:
    names: list[str]
    parts: dict[str, bytes] = field(default_factory=dict)  # the kept parts, by name


def read(content: bytes, *, keep: tuple[str, ...], what: str) -> Archive:
    """Check the whole archive and return the parts whose names end with one of `keep` (e.g. ".xml")."""
    if declared_entries(content) > MAX_ENTRIES:
        raise Refused(f"Plik {what} ma za dużo części (dozwolone najwyżej {MAX_ENTRIES}).")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            _check_directory(infos, len(content), what)
            found = Archive(names=[i.filename for i in infos])
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                wanted = info.filename.lower().endswith(keep)
                data, total = _inflate(archive, info, total, what, wanted)
                if wanted:
                    found.parts[info.filename] = data
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError, NotImplementedError, ValueError,
            OSError, EOFError, struct.error) as exc:
        # Damaged, encrypted, or a compression method we cannot read: nothing we can vouch for.
        raise Refused(f"Pliku {what} nie da się w całości odczytać (jest uszkodzony lub zaszyfrowany).") from exc
    return found


def declared_entries(content: bytes) -> int:
    """The entry count the end-of-directory record declares, read before zipfile builds one object per entry
    (a 10 MiB file can declare some 200 000 of them). 0 when there is no such record."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 65535 - 22))
    if end < 0 or end + 22 > len(content):
        return 0
    count = int(struct.unpack("<H", content[end + 10:end + 12])[0])
    locator = end - 20  # a ZIP64 archive keeps the real count in its own record, found through the locator
    if count == 0xFFFF and locator >= 0 and content[locator:locator + 4] == b"PK\x06\x07":
        record = int(struct.unpack("<Q", content[locator + 8:locator + 16])[0])
        if content[record:record + 4] == b"PK\x06\x06" and record + 40 <= len(content):
            count = int(struct.unpack("<Q", content[record + 32:record + 40])[0])
    return count


def _check_directory(infos: list[zipfile.ZipInfo], compressed: int, what: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise Refused(f"Plik {what} ma za dużo części ({len(infos)}, dozwolone najwyżej {MAX_ENTRIES}).")
    seen: set[str] = set()
    declared = 0
    for info in infos:
        name = info.filename
        _check_name(name, what)
        if name.lower() in seen:  # two parts of one name: readers disagree which one counts
            raise Refused(f"Plik {what} zawiera dwie części o tej samej nazwie ({name}).")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise Refused(f"Plik {what} zawiera zaszyfrowane części.")
        declared += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(what)
    if declared > MAX_TOTAL or (declared > RATIO_FLOOR and declared > MAX_RATIO * max(compressed, 1)):
        raise _bomb(what)


def _check_name(name: str, what: str) -> None:
    parts = name.split("/")
    if (not name or name.startswith("/") or "\\" in name or ".." in parts or ":" in name
            or any(ord(c) < 32 for c in name)):
        raise Refused(f"Plik {what} zawiera część o niedozwolonej nazwie lub ścieżce ({name!r}).")
    extension = name.rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    if extension in _FOREIGN_EXTENSIONS:
        raise Refused(f"Plik {what} zawiera osadzony program, skrypt lub archiwum ({name}).")


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, what: str,
             keep: bool) -> tuple[bytes, int]:
    """Inflate one entry, counting real bytes against its declared size and the archive's limits."""
    kept = bytearray()
    size = 0
    head = b""
    with archive.open(info) as entry:
        while chunk := entry.read(_CHUNK):
            size += len(chunk)
            total += len(chunk)
            if size > info.file_size or total > MAX_TOTAL:
                raise _bomb(what)
            if len(head) < 16:
                head = (head + chunk)[:16]
            if keep:
                if size > MAX_KEPT_PART:
                    raise Refused(f"Część {info.filename} pliku {what} jest za duża.")
                kept += chunk
    if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
        raise _bomb(what)
    for magic, label in _FOREIGN:
        if head.startswith(magic):
            raise Refused(f"Plik {what} zawiera osadzony element, którego nie przyjmujemy: {label} "
                          f"({info.filename}).")
    return bytes(kept), total


def _bomb(what: str) -> Refused:
    return Refused(f"Plik {what} po rozpakowaniu byłby nieproporcjonalnie duży (możliwa „bomba ZIP”); "
                   f"dozwolone najwyżej {MAX_TOTAL // MiB} MiB i stopień kompresji do {MAX_RATIO}:1.")
