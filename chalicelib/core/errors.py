"""One error shape for the whole API: {"error": {"code", "message", "details"}}, messages in Polish.

Logic raises `ApiError` subclasses; the HTTP layer turns them (and pydantic validation errors) into
responses. Nothing here knows about Chalice.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, Any, TypeGuard, get_args

if TYPE_CHECKING:  # pydantic loads with the first model, not with this module (cold start)
    from pydantic import ValidationError


class ApiError(Exception):
    status = 400
    code = "bad_request"
    message = "Nieprawidłowe żądanie."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.details = details or []
        self.extra = extra or {}  # more about the error for the caller, e.g. a signature verification report
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details, **self.extra}}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"
    message = "Wymagane uwierzytelnienie."


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    message = "Brak uprawnień do tego zasobu."


class NotFound(ApiError):
    status = 404
    code = "not_found"
    message = "Nie znaleziono zasobu."


class MethodNotAllowed(ApiError):
    status = 405
    code = "method_not_allowed"
    message = "Ta metoda nie jest obsługiwana pod tym adresem."


class NotAcceptable(ApiError):
    status = 406
    code = "not_acceptable"
    message = "Nie można odpowiedzieć w formacie wskazanym w nagłówku Accept."


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"
    message = "Nieobsługiwany typ treści żądania (Content-Type)."


class Conflict(ApiError):
    status = 409
    code = "conflict"
    message = "Konflikt z bieżącym stanem zasobu."


class Unprocessable(ApiError):
    status = 422
    code = "validation_error"
    message = "Dane nie przeszły walidacji."


class InternalError(ApiError):
    status = 500
    code = "internal_error"
    message = "Wewnętrzny błąd systemu. Spróbuj ponownie później."


# Polish wording of pydantic's error types; anything not listed falls back to a generic message.
_PL_MESSAGES = {
    "missing": "Pole jest wymagane.",
    "extra_forbidden": "Pole nie jest dozwolone.",
    "string_type": "Oczekiwano tekstu.",
    "string_too_short": "Tekst jest za krótki (minimum {min_length} znaków).",
    "string_too_long": "Tekst jest za długi (maksimum {max_length} znaków).",
    "string_pattern_mismatch": "Wartość ma nieprawidłowy format.",
    "int_type": "Oczekiwano liczby całkowitej.",
    "int_parsing": "Oczekiwano liczby całkowitej.",
    "int_from_float": "Oczekiwano liczby całkowitej.",
    "float_type": "Oczekiwano liczby.",
    "float_parsing": "Oczekiwano liczby.",
    "decimal_type": "Oczekiwano kwoty.",
    "decimal_parsing": "Oczekiwano kwoty.",
    "decimal_max_places": "Dozwolone są najwyżej {decimal_places} miejsca po przecinku.",
    "bool_type": "Oczekiwano wartości tak/nie.",
    "bool_parsing": "Oczekiwano wartości tak/nie.",
    "greater_than_equal": "Wartość musi być nie mniejsza niż {ge}.",
    "greater_than": "Wartość musi być większa niż {gt}.",
    "less_than_equal": "Wartość musi być nie większa niż {le}.",
    "less_than": "Wartość musi być mniejsza niż {lt}.",
    "list_type": "Oczekiwano listy.",
    "dict_type": "Oczekiwano obiektu.",
    "model_type": "Oczekiwano obiektu.",
    "model_attributes_type": "Oczekiwano obiektu.",
    "literal_error": "Niedozwolona wartość; dozwolone: {expected}.",
    "enum": "Niedozwolona wartość; dozwolone: {expected}.",
    "date_type": "Oczekiwano daty (RRRR-MM-DD).",
    "date_parsing": "Oczekiwano daty (RRRR-MM-DD).",
    "date_from_datetime_parsing": "Oczekiwano daty (RRRR-MM-DD).",
    "too_short": "Za mało elementów (minimum {min_length}).",
    "too_long": "Za dużo elementów (maksimum {max_length}).",
    "url_parsing": "Oczekiwano adresu URL.",
    "value_error": "{reason}",
    "assertion_error": "{reason}",
}


@cache
def _pydantic_error_types() -> frozenset[str]:
    """The error types pydantic itself raises. Any other type comes from a `PydanticCustomError(code, message)`
    raised by our validators, whose message is already Polish."""
    from pydantic_core.core_schema import ErrorType

    return frozenset(get_args(ErrorType))


def is_validation_error(exc: BaseException) -> TypeGuard[ValidationError]:
    """Whether `exc` is pydantic's ValidationError; if pydantic was never imported, nothing could raise one."""
    core = sys.modules.get("pydantic_core")
    return core is not None and isinstance(exc, core.ValidationError)


def field_path(loc: tuple[int | str, ...]) -> str:
    """`("departments", 0, "symbol")` -> `departments[0].symbol`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validation_details(exc: ValidationError, *, prefix: tuple[int | str, ...] = ()) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors(include_url=False):
        ctx = dict(err.get("ctx") or {})
        reason = str(ctx.get("error", err["msg"]))
        # Our own validators raise ValueError("Polish text"); pydantic prefixes it with "Value error, ".
        ctx["reason"] = reason.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        template = _PL_MESSAGES.get(err["type"], "Nieprawidłowa wartość.")
        try:
            message = template.format(**ctx)
        except (KeyError, IndexError):
            message = "Nieprawidłowa wartość."
        if err["type"] not in _PL_MESSAGES and err["type"] not in _pydantic_error_types():
            message = err["msg"]  # a PydanticCustomError: the validator's own (Polish) message
        details.append(
            {"field": field_path(prefix + tuple(err["loc"])), "code": err["type"], "message": message}
        )
    return details


def from_validation_error(exc: ValidationError, *, prefix: tuple[int | str, ...] = ()) -> Unprocessable:
    return Unprocessable(details=validation_details(exc, prefix=prefix))
