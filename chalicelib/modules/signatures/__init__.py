"""The signatures module: verify what residents send, seal what the office issues. Other modules may use
`verify` and `seal`; lxml and python-xmlsec load on their first call."""

from __future__ import annotations

from chalicelib.modules.signatures.logic import seal, verify

__all__ = ["seal", "verify"]
