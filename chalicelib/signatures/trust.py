"""The trust store: roots the office trusts, and chain building to them with cryptography's verifier."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.verification import ExtensionPolicy, PolicyBuilder, Store, VerificationError

_SHA256 = hashes.SHA256()


class TrustStore:
    """Trusted roots from a PEM bundle. Built chains are cached: the same signer is verified repeatedly."""

    CACHE_SIZE = 1024
    CACHE_SECONDS = 600.0

    def __init__(self, roots: list[x509.Certificate]) -> None:
        if not roots:
            raise ValueError("The trust store has no certificates.")
        self.roots = roots
        self._store = Store(roots)
        self._chains: OrderedDict[tuple[bytes, ...], tuple[float, list[x509.Certificate] | None]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_pem(cls, bundle: bytes) -> TrustStore:
        return cls(x509.load_pem_x509_certificates(bundle))

    def chain(self, leaf: x509.Certificate, intermediates: list[x509.Certificate],
              at: dt.datetime) -> list[x509.Certificate] | None:
        """The path from `leaf` to a trusted root valid at `at`, or None when there is none."""
        key = (leaf.fingerprint(_SHA256), *(c.fingerprint(_SHA256) for c in intermediates),
               at.replace(minute=0, second=0, microsecond=0).isoformat().encode())
        with self._lock:
            hit = self._chains.get(key)
            if hit and time.monotonic() - hit[0] < self.CACHE_SECONDS:
                self._chains.move_to_end(key)
                return hit[1]
        result = self._build(leaf, intermediates, at)
        with self._lock:
            self._chains[key] = (time.monotonic(), result)
            while len(self._chains) > self.CACHE_SIZE:
                self._chains.popitem(last=False)
        return result

    def _build(self, leaf: x509.Certificate, intermediates: list[x509.Certificate],
               at: dt.datetime) -> list[x509.Certificate] | None:
        # Signing certificates carry no TLS extended key usage or SAN: the end-entity policy permits them,
        # and the verifier checks key usage itself. CA certificates keep the Web PKI rules.
        verifier = (
            PolicyBuilder().store(self._store).time(at)
            .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all())
            .build_client_verifier()
        )
        try:
            return list(verifier.verify(leaf, intermediates).chain)
        except VerificationError:
            return None
