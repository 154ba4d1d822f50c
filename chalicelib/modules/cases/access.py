"""The access code of a paper case: how the applicant follows a case they filed outside the platform, without an
account (e-informacja by `sign + code`).

Pure. The code is random (`secrets`), 15 symbols of an alphabet without look-alikes (no 0/O, 1/I/L), shown in
three groups of five: 15 x log2(31) = 74 bits. It is shown once, to the clerk who hands it over on paper, and
stored only as a salted, stretched hash; a lookup compares in constant time, and an unknown sign hashes a dummy
so that it costs the same as a wrong code.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LEN = 3, 5
LENGTH = GROUPS * GROUP_LEN
BITS = LENGTH * math.log2(len(ALPHABET))
ITERATIONS = 20_000  # on top of 74 bits of entropy: a stolen table still gives nothing to guess from
SCHEME = "pbkdf2-sha256"
_DUMMY_SALT = bytes(16)
_SEPARATORS = re.compile(r"[\s\-–_.]+")


def new_code() -> str:
    """A fresh code, grouped for reading aloud and typing: `K7QM2-XRT9P-HCW4N`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + GROUP_LEN] for i in range(0, LENGTH, GROUP_LEN))


def normalized(code: str) -> str | None:
    """The code as typed (any case, spaces or dashes anywhere) in its stored form; None if it cannot be one."""
    compact = _SEPARATORS.sub("", code).upper()
    if len(compact) != LENGTH or any(c not in ALPHABET for c in compact):
        return None
    return compact


def hashed(code: str, *, salt: bytes | None = None) -> str:
    """`pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>` of the normalized code, with a fresh salt by default."""
    compact = normalized(code)
    if compact is None:
        raise ValueError("not an access code")
    salt = secrets.token_bytes(16) if salt is None else salt
    return f"{SCHEME}${ITERATIONS}${salt.hex()}${_derive(compact, salt, ITERATIONS).hex()}"


def matches(code: str, stored: str | None) -> bool:
    """Whether `code` is the one `stored` was made of. The same work whatever the input: a malformed code, or
    no stored hash at all (unknown sign), still derives one key, and the comparison is constant-time."""
    compact = normalized(code) or "#" * LENGTH
    try:
        scheme, rounds, salt_hex, digest_hex = (stored or "").split("$")
        salt, digest, iterations = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex), int(rounds)
        if scheme != SCHEME:
            raise ValueError(scheme)
    except ValueError:
        salt, digest, iterations = _DUMMY_SALT, b"", ITERATIONS
    candidate = _derive(compact, salt, iterations)
    return hmac.compare_digest(candidate, digest) and normalized(code) is not None


def _derive(compact: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", compact.encode(), salt, iterations)
