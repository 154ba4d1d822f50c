"""The signatures module's logic, which other modules use: verify what residents send, seal what the office issues.

lxml and python-xmlsec load on first use, so other routes do not pay for them at cold start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from chalicelib.core.cache import Expiring
from chalicelib.core.clock import get_clock
from chalicelib.core.settings import get_settings
from chalicelib.integrations import trust_material
from chalicelib.resources import seal_secret_id, trust_store_uri

if TYPE_CHECKING:
    from lxml import etree

    from chalicelib.signatures.report import VerificationReport
    from chalicelib.signatures.sealing import OfficeSeal
    from chalicelib.signatures.verifier import Verifier

POLICIES = ("strict", "archival")


@dataclass(frozen=True)
class Unreadable:
    code: str
    message: str
    details: tuple[dict[str, str], ...] = ()  # the bound a too complex document broke (field, code, message)


def _load_verifier() -> Verifier:
    from chalicelib.signatures.trust import TrustStore
    from chalicelib.signatures.verifier import Verifier

    bundle = trust_material.read_trust_bundle(trust_store_uri())
    return Verifier(TrustStore.from_pem(bundle), max_bytes=get_settings().signature_max_bytes)


def _load_seal() -> OfficeSeal:
    from chalicelib.signatures.sealing import OfficeSeal

    return OfficeSeal(*trust_material.read_seal(seal_secret_id()))


@cache
def _verifier() -> Expiring[Verifier]:
    # The trust store is re-read now and then so that a changed bundle reaches warm containers.
    return Expiring(_load_verifier, get_settings().trust_cache_seconds)


@cache
def _seal() -> Expiring[OfficeSeal]:
    return Expiring(_load_seal, get_settings().trust_cache_seconds)


def verifier() -> Verifier:
    return _verifier().get()


def verify(data: bytes, policy: str = "strict") -> VerificationReport | Unreadable:
    from chalicelib.signatures.verifier import ARCHIVAL, STRICT
    from chalicelib.signatures.xmlsafe import UnreadableDocument

    try:
        return verifier().verify(data, ARCHIVAL if policy == "archival" else STRICT)
    except UnreadableDocument as exc:
        return Unreadable(exc.code, exc.message, tuple(exc.details))


def seal(document: etree._Element, *, at: dt.datetime | None = None) -> bytes:
    """The office's XAdES-BES seal over `document` (enveloped); returns the sealed XML."""
    return _seal().get().seal(document, signing_time=at or get_clock().now())


def reset() -> None:
    """Forget the cached trust store and seal (after they were replaced)."""
    _verifier.cache_clear()
    _seal.cache_clear()
