"""Decoding what a request carries, once for every route: JSON bodies, integer parameters, path ids.

Whatever gets past here can be stored in DynamoDB, written into an XML 1.0 document and parsed by pydantic
without surprises: a body is refused before anything runs when it is too large (413), too deeply nested,
holds a number nobody writes by hand, or text XML 1.0 cannot carry (a control character, U+FFFE/U+FFFF,
a lone surrogate). Nothing here knows about Chalice.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from chalicelib.core.errors import ApiError, BadRequest, Unprocessable, field_path

JSON_MAX_BYTES = 1024 * 1024  # a form is data, not a file store; files go straight to S3
BODY_MAX_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit; the XML routes cap lower (2 MiB)
MAX_DEPTH = 32  # the deepest form (a group in a group) is far below this
MAX_INT_DIGITS = 20
MAX_DETAILS = 20
PATH_ID_MAX = 128

# What XML 1.0 cannot carry (besides \t \n \r), plus lone surrogates (not text, cannot be encoded as UTF-8).
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Form text: no control characters at all on one line; a textarea keeps tab and line breaks.
ILLEGAL_IN_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
ILLEGAL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
LINE_MESSAGE = "Pole zawiera niedozwolone znaki (znaki sterujące, tabulacja, podział wiersza lub spoza Unicode)."
TEXT_MESSAGE = "Pole zawiera niedozwolone znaki (znaki sterujące lub spoza Unicode)."
_ASCII_INT = re.compile(r"[0-9]{1,9}")
_PATH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~:-]*")
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,100}")  # as submissions.models.IdempotencyKey
INVALID_CHARACTERS_MESSAGE = "Tekst zawiera niedozwolone znaki (znaki sterujące lub spoza Unicode)."


class PayloadTooLarge(ApiError):
    status = 413
    code = "body_too_large"
    message = "Treść żądania jest za duża."


class _Refused(ValueError):
    """Raised from inside json.loads by the number hooks."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused("number_too_large", f"Liczba ma więcej niż {MAX_INT_DIGITS} cyfr.")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("number_too_large", "Liczba jest poza zakresem.")
    return value


def _constant(text: str) -> Any:
    raise _Refused("invalid_json", f"„{text}” nie jest wartością JSON.")


def check_size(raw: bytes, limit: int) -> None:
    if len(raw) > limit:
        raise PayloadTooLarge(f"Treść żądania jest za duża (limit {limit // 1024} KiB).",
                              details=[{"field": "", "code": "body_too_large",
                                        "message": f"Dozwolone najwyżej {limit} bajtów."}])


def decode_json(raw: str | bytes | None) -> Any:
    """A JSON request body as Python values: 400 malformed, 413 too large, 422 what cannot be kept."""
    if not raw:
        raise BadRequest("Brak treści żądania (oczekiwano JSON).", code="empty_body")
    check_size(raw.encode() if isinstance(raw, str) else raw, JSON_MAX_BYTES)
    try:
        data = json.loads(raw, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Refused as exc:
        raise Unprocessable(details=[{"field": "", "code": exc.code, "message": exc.message}]) from exc
    except RecursionError as exc:
        raise _too_deep("") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(
            "Treść żądania nie jest poprawnym JSON.",
            code="invalid_json",
            details=[{"field": "", "code": "invalid_json", "message": str(exc)}],
        ) from exc
    check_values(data)
    return data


def _too_deep(path: str) -> Unprocessable:
    return Unprocessable(details=[{"field": path, "code": "too_deep",
                                   "message": f"Dane są zagnieżdżone głębiej niż {MAX_DEPTH} poziomów."}])


def check_values(data: Any) -> None:
    """Every string (keys too) must be text XML 1.0 can carry; nesting at most MAX_DEPTH. 422 per field."""
    details: list[dict[str, str]] = []
    stack: list[tuple[tuple[int | str, ...], Any]] = [((), data)]
    while stack and len(details) < MAX_DETAILS:
        loc, value = stack.pop()
        if len(loc) > MAX_DEPTH:
            raise _too_deep(field_path(loc))
        if isinstance(value, dict):
            for key, item in value.items():
                if ILLEGAL_CHARACTERS.search(key):
                    details.append(_bad_text(field_path(loc) or "(klucz)"))
                    continue
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, i), item) for i, item in enumerate(value))
        elif isinstance(value, str) and ILLEGAL_CHARACTERS.search(value):
            details.append(_bad_text(field_path(loc)))
    if details:
        raise Unprocessable("Dane zawierają niedozwolone znaki.", code="invalid_characters",
                            details=sorted(details, key=lambda d: d["field"]))


def _bad_text(field: str) -> dict[str, str]:
    return {"field": field, "code": "invalid_characters", "message": INVALID_CHARACTERS_MESSAGE}


def ascii_int(raw: str | None) -> int | None:
    """A whole number from a query parameter or header: ASCII digits only (not "²", "①" or "٣"), at most 9."""
    if raw is None or not _ASCII_INT.fullmatch(raw):
        return None
    return int(raw)


def is_path_id(value: str) -> bool:
    """Whether a path parameter can name anything we store (a TERC, a service, an id): short, plain ASCII."""
    return len(value) <= PATH_ID_MAX and _PATH_ID.fullmatch(value) is not None


def idempotency_key(raw: str | None) -> str:
    """The `Idempotency-Key` header: 400 `idempotency_key_missing` when missing or malformed."""
    key = (raw or "").strip()
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise BadRequest("Brak lub niepoprawny nagłówek Idempotency-Key.", code="idempotency_key_missing",
                         details=[{"field": "Idempotency-Key", "code": "idempotency_key_missing",
                                   "message": "Nagłówek Idempotency-Key jest wymagany (8–100 znaków: litery, "
                                              "cyfry, _ . : -)."}])
    return key
