"""Validators of single form values: one cleaner per field type, and the person, firm and address shapes.

A cleaner takes what came in the request (JSON-decoded, or text read back from an XML document) and returns
the cleaned, JSON-compatible value, or None when the value is absent (null, or a blank string). It raises
pydantic-core errors: the platform's own checks use `PydanticCustomError(code, Polish message)`, plain type
and range errors use pydantic's known error types, worded in Polish by `chalicelib.core.errors`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError, PydanticKnownError
from pydantic_core.core_schema import ErrorType
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import pesel as stdnum_pesel
from stdnum.pl import regon as stdnum_regon

from chalicelib.core.identifiers import ADE_RE, EMAIL_RE, POSTAL_CODE_RE, normalize_nrb
from chalicelib.core.inputs import ILLEGAL_IN_LINE, ILLEGAL_IN_TEXT, LINE_MESSAGE, TEXT_MESSAGE

Cleaner = Callable[[Any], Any]

# Limits for free text when the definition sets none (a form is not a file store).
DEFAULT_TEXT_LENGTH = 1000
DEFAULT_TEXTAREA_LENGTH = 20000

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Numbers written out as text (e.g. read back from an XML document): plain decimals, no exponent.
_NUMBER_RE = re.compile(r"[+-]?\d{1,20}(\.\d{1,12})?")
_MONEY_RE = re.compile(r"[+-]?\d{1,20}([.,]\d{1,12})?")
_MONEY_LIMIT = Decimal(10) ** 13
_CENTS = Decimal("0.01")
_PHONE_RE = re.compile(r"\+?[0-9 ()-]{9,20}")
_ATTACHMENT_ID_RE = re.compile(r"[0-9a-f]{32}")
_KRS_RE = re.compile(r"\d{10}")
_SIMC_RE = re.compile(r"\d{7}")
_ULIC_RE = re.compile(r"\d{5}")
_COUNTRY_RE = re.compile(r"[A-Z]{2}")
_FOREIGN_POSTAL_CODE_LENGTH = 12


def polish_number(value: Decimal) -> str:
    """`Decimal("0.1")` -> `"0,1"`: numbers in messages as a Polish reader writes them."""
    return format(value.normalize(), "f").replace(".", ",")


def _blank_to_none(value: Any) -> Any:
    """Absent values: null and blank strings. Other strings come back stripped."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _string(value: Any) -> str | None:
    value = _blank_to_none(value)
    if value is None or isinstance(value, str):
        return value
    raise PydanticKnownError("string_type")


def required(clean: Cleaner) -> Cleaner:
    """The same cleaner, but an absent value is an error ("missing")."""

    def clean_required(value: Any) -> Any:
        cleaned = clean(value)
        if cleaned is None:
            raise PydanticKnownError("missing")
        return cleaned

    return clean_required


# --- plain values ----------------------------------------------------------------------------------


def text(max_length: int, pattern: str | None = None, *, multiline: bool = False) -> Cleaner:
    regex = re.compile(pattern) if pattern else None
    illegal, why = (ILLEGAL_IN_TEXT, TEXT_MESSAGE) if multiline else (ILLEGAL_IN_LINE, LINE_MESSAGE)

    def clean_text(value: Any) -> str | None:
        cleaned = _string(value)
        if cleaned is None:
            return None
        if illegal.search(cleaned):  # before anything is stored or written into the XML document
            raise PydanticCustomError("invalid_characters", why)
        if len(cleaned) > max_length:
            raise PydanticKnownError("string_too_long", {"max_length": max_length})
        if regex is not None and not regex.fullmatch(cleaned):
            raise PydanticKnownError("string_pattern_mismatch", {"pattern": pattern or ""})
        return cleaned

    return clean_text


def _decimal(
    value: Any, pattern: re.Pattern[str], *, wrong_type: ErrorType, unparsable: ErrorType,
) -> Decimal | None:
    """A finite Decimal from a JSON number or a decimal string (pydantic's error types as given)."""
    if isinstance(value, bool):  # bool is an int in Python, never a number here
        raise PydanticKnownError(wrong_type)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if not pattern.fullmatch(value):
            raise PydanticKnownError(unparsable)
        return Decimal(value.replace(",", "."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise PydanticKnownError(unparsable)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PydanticKnownError(unparsable)
        return Decimal(repr(value))
    if value is None:
        return None
    raise PydanticKnownError(wrong_type)


def _check_range(value: Decimal, minimum: Decimal | None, maximum: Decimal | None) -> None:
    if minimum is not None and value < minimum:
        raise PydanticKnownError("greater_than_equal", {"ge": polish_number(minimum)})
    if maximum is not None and value > maximum:
        raise PydanticKnownError("less_than_equal", {"le": polish_number(maximum)})


def number(minimum: Decimal | None, maximum: Decimal | None) -> Cleaner:
    def clean_number(value: Any) -> int | float | None:
        cleaned = _decimal(value, _NUMBER_RE, wrong_type="float_type", unparsable="float_parsing")
        if cleaned is None:
            return None
        _check_range(cleaned, minimum, maximum)
        if cleaned == cleaned.to_integral_value():
            return int(cleaned)
        return float(cleaned)

    return clean_number


def money(minimum: Decimal | None, maximum: Decimal | None) -> Cleaner:
    """An amount in złoty: not negative, at most 2 decimal places; cleaned to "17.00"."""

    def clean_money(value: Any) -> str | None:
        cleaned = _decimal(value, _MONEY_RE, wrong_type="decimal_type", unparsable="decimal_parsing")
        if cleaned is None:
            return None
        _check_range(cleaned, Decimal(0), None)
        if cleaned >= _MONEY_LIMIT:
            raise PydanticKnownError("less_than", {"lt": polish_number(_MONEY_LIMIT)})
        try:
            cents = cleaned.quantize(_CENTS)
        except InvalidOperation as exc:  # pragma: no cover - the limit above keeps quantize in range
            raise PydanticKnownError("decimal_parsing") from exc
        if cents != cleaned:
            raise PydanticKnownError("decimal_max_places", {"decimal_places": 2})
        _check_range(cleaned, minimum, maximum)
        return str(cents)

    return clean_money


def clean_date(value: Any) -> str | None:
    """"YYYY-MM-DD" (or a `date`) -> the ISO string."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    cleaned = _blank_to_none(value)
    if cleaned is None:
        return None
    if not isinstance(cleaned, str):
        raise PydanticKnownError("date_type")
    if not _DATE_RE.fullmatch(cleaned):
        raise PydanticKnownError("date_parsing", {"error": "format"})
    try:
        return date.fromisoformat(cleaned).isoformat()
    except ValueError as exc:
        raise PydanticKnownError("date_parsing", {"error": "no such day"}) from exc


def choice(values: Sequence[str]) -> Cleaner:
    allowed = frozenset(values)
    expected = ", ".join(f"„{v}”" for v in values)

    def clean_choice(value: Any) -> str | None:
        cleaned = _string(value)
        if cleaned is None:
            return None
        if cleaned not in allowed:
            raise PydanticKnownError("literal_error", {"expected": expected})
        return cleaned

    return clean_choice


_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def clean_checkbox(value: Any) -> bool | None:
    """A bool; "true"/"false" (and XML Schema's "1"/"0") as text too."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        folded = value.strip().lower()
        if not folded:
            return None
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        raise PydanticKnownError("bool_parsing")
    raise PydanticKnownError("bool_type")


def _matching(regex: re.Pattern[str], code: str, message: str, *, upper: bool = False) -> Cleaner:
    def clean_matching(value: Any) -> str | None:
        cleaned = _string(value)
        if cleaned is None:
            return None
        if upper:
            cleaned = cleaned.upper()
        if not regex.fullmatch(cleaned):
            raise PydanticCustomError(code, message)
        return cleaned

    return clean_matching


clean_edelivery_address = _matching(
    ADE_RE, "edelivery_address_invalid",
    "Adres do doręczeń elektronicznych ma format AE:PL-00000-00000-XXXXX-00.", upper=True,
)
clean_phone = _matching(
    _PHONE_RE, "phone_invalid",
    "Numer telefonu może mieć od 9 do 20 znaków: cyfry, spacje, nawiasy, myślniki i znak + na początku.",
)
clean_attachment_id = _matching(_ATTACHMENT_ID_RE, "attachment_id_invalid", "Nieprawidłowy identyfikator załącznika.")
clean_krs = _matching(_KRS_RE, "krs_invalid", "Numer KRS składa się z 10 cyfr.")
clean_simc = _matching(_SIMC_RE, "teryt_invalid", "Kod miejscowości TERYT SIMC składa się z 7 cyfr.")
clean_ulic = _matching(_ULIC_RE, "teryt_invalid", "Kod ulicy TERYT ULIC składa się z 5 cyfr.")
_clean_country = _matching(_COUNTRY_RE, "country_invalid", "Kod kraju to dwie litery (ISO 3166-1), np. PL.", upper=True)


def clean_country(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code; absent means Poland."""
    return _clean_country(value) or "PL"


def clean_email(value: Any) -> str | None:
    cleaned = _string(value)
    if cleaned is None:
        return None
    if len(cleaned) > 254 or not EMAIL_RE.fullmatch(cleaned):
        raise PydanticCustomError("email_invalid", "Adres e-mail jest nieprawidłowy.")
    return cleaned


def clean_bank_account(value: Any) -> str | None:
    """A Polish account number (NRB; spaces and a leading PL allowed) -> 26 digits."""
    cleaned = _string(value)
    if cleaned is None:
        return None
    try:
        return normalize_nrb(cleaned)
    except ValueError as exc:
        raise PydanticCustomError("nrb_invalid", str(exc)) from exc


def _stdnum(
    validate: Callable[[str], str], code: str, *, malformed: str, checksum: str, component: str | None = None,
) -> Cleaner:
    """A python-stdnum check with Polish messages for a malformed number and for a wrong check digit."""

    def clean_identifier(value: Any) -> str | None:
        cleaned = _string(value)
        if cleaned is None:
            return None
        try:
            return validate(cleaned)
        except InvalidChecksum as exc:
            raise PydanticCustomError(code, checksum) from exc
        except InvalidComponent as exc:
            raise PydanticCustomError(code, component or malformed) from exc
        except StdnumError as exc:
            raise PydanticCustomError(code, malformed) from exc

    return clean_identifier


clean_pesel = _stdnum(
    stdnum_pesel.validate, "pesel_invalid",
    malformed="Numer PESEL składa się z 11 cyfr.",
    checksum="Numer PESEL ma błędną cyfrę kontrolną.",
    component="Numer PESEL zawiera nieprawidłową datę urodzenia.",
)
clean_nip = _stdnum(
    stdnum_nip.validate, "nip_invalid",
    malformed="NIP składa się z 10 cyfr.",
    checksum="NIP ma błędną cyfrę kontrolną.",
)
clean_regon = _stdnum(
    stdnum_regon.validate, "regon_invalid",
    malformed="REGON składa się z 9 albo 14 cyfr.",
    checksum="REGON ma błędną cyfrę kontrolną.",
)


# --- composite values ------------------------------------------------------------------------------


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _req(clean: Cleaner) -> PlainValidator:
    return PlainValidator(required(clean))


def _opt(clean: Cleaner) -> PlainValidator:
    return PlainValidator(clean)


_SEX_IN_PESEL = {"M": "M", "F": "K"}  # stdnum's gender -> ours (K: kobieta)
_SEX_NAMES = {"K": "kobieta", "M": "mężczyzna"}


class Person(_Shape):
    first_name: Annotated[str, _req(text(100))]
    last_name: Annotated[str, _req(text(100))]
    pesel: Annotated[str, _req(clean_pesel)]
    # Checked against the PESEL; declared after it so that the PESEL is validated first.
    birth_date: Annotated[str | None, _opt(clean_date)] = None
    sex: Annotated[str | None, _opt(choice(("K", "M")))] = None

    @field_validator("birth_date")
    @classmethod
    def _birth_date_as_in_pesel(cls, value: str | None, info: ValidationInfo) -> str | None:
        pesel = info.data.get("pesel")
        if value is None or pesel is None:  # no date, or the PESEL itself is wrong (reported there)
            return value
        encoded: date = stdnum_pesel.get_birth_date(pesel)
        if encoded.isoformat() != value:
            raise PydanticCustomError(
                "pesel_birth_date_mismatch",
                f"Data urodzenia nie zgadza się z numerem PESEL, z którego wynika data {encoded:%d.%m.%Y} r.",
            )
        return value

    @field_validator("sex")
    @classmethod
    def _sex_as_in_pesel(cls, value: str | None, info: ValidationInfo) -> str | None:
        pesel = info.data.get("pesel")
        if value is None or pesel is None:
            return value
        encoded = _SEX_IN_PESEL[stdnum_pesel.get_gender(pesel)]
        if encoded != value:
            raise PydanticCustomError(
                "pesel_sex_mismatch",
                f"Płeć nie zgadza się z numerem PESEL, z którego wynika płeć: {_SEX_NAMES[encoded]}.",
            )
        return value


class Firm(_Shape):
    name: Annotated[str, _req(text(300))]
    nip: Annotated[str, _req(clean_nip)]
    regon: Annotated[str | None, _opt(clean_regon)] = None
    krs: Annotated[str | None, _opt(clean_krs)] = None


class Address(_Shape):
    street: Annotated[str | None, _opt(text(150))] = None
    building: Annotated[str, _req(text(20))]
    flat: Annotated[str | None, _opt(text(20))] = None
    # Before postal_code: the Polish format is checked only for an address in Poland.
    country: Annotated[str, _opt(clean_country)] = "PL"
    postal_code: Annotated[str, _req(text(_FOREIGN_POSTAL_CODE_LENGTH))]
    city: Annotated[str, _req(text(100))]
    teryt_simc: Annotated[str | None, _opt(clean_simc)] = None
    teryt_ulic: Annotated[str | None, _opt(clean_ulic)] = None

    @field_validator("postal_code")
    @classmethod
    def _polish_postal_code(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("country") == "PL" and not POSTAL_CODE_RE.fullmatch(value):
            raise PydanticCustomError("postal_code_invalid", "Kod pocztowy ma format 00-000.")
        return value
