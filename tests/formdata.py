"""Valid form data for any catalogue definition, and a helper to break one value of it.

`valid_data` fills what the form requires, and nothing more: every required field, and every field whose
`required_when` holds, with realistic Polish values. Choices take their first option; checkboxes are ticked
only when required (declarations), others are left unticked, so that as few conditions as possible trigger.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from chalicelib.model.service import FieldType, FormField, ServiceDefinition

PESEL = "44051401359"  # born 1944-05-14, male
NIP = "8567346215"
REGON = "123456785"
REGON_14 = "12345678512347"
NRB = "61 1090 1014 0000 0712 1981 2874"
ADE = "AE:PL-12345-67890-ABCDE-12"

PERSON: dict[str, Any] = {
    "first_name": "Jan", "last_name": "Kowalski", "pesel": PESEL, "birth_date": "1944-05-14", "sex": "M",
}
FIRM: dict[str, Any] = {"name": "Zielony Ogród sp. z o.o.", "nip": NIP, "regon": REGON}
ADDRESS: dict[str, Any] = {"street": "ul. Kościuszki", "building": "5", "flat": "2", "postal_code": "05-500",
                           "city": "Piaseczno"}

_SIMPLE: dict[FieldType, Any] = {
    FieldType.DATE: "2026-12-01",
    FieldType.BANK_ACCOUNT: NRB,
    FieldType.EDELIVERY_ADDRESS: ADE,
    FieldType.EMAIL: "jan.kowalski@example.pl",
    FieldType.PHONE: "+48 601 234 567",
}

# Text by field name where a realistic value reads better than a generic one.
_TEXT_BY_NAME = {
    "gatunek": "Dąb szypułkowy",
    "lokalizacja": "Przy ogrodzeniu od strony ulicy, nr 1 na mapce",
    "obreb": "0012 Piaseczno",
    "numer_dzialki": "123/4",
    "miejscowosc": "Piaseczno",
    "nazwa_drogi": "ul. Kościuszki (droga gminna nr 270101W)",
    "znak_sprawy": "FN.3120.15.2026",
    "tytul": "Wniosek o informację",
    "przedmiot_dzialalnosci": "Sprzedaż detaliczna artykułów spożywczych",
    "cel_inny": "Przedstawienie w urzędzie skarbowym",
    "numer_krs": "0000123456",
    "udzial": "1/2",
    "numer_kw": "WA1I/00012345/6",
}
# Candidates tried, in order, against a definition's pattern.
_PATTERN_EXAMPLES = ["123/4", "1/2", "0000123456", "8567346215", "WA1I/00012345/6", "12345", "Przykład"]
_TEXTAREA = "Proszę o rozpatrzenie wniosku. Szczegóły opisuję poniżej: stan faktyczny jest zgodny z załącznikami."


def _text(f: FormField) -> str:
    candidates = [_TEXT_BY_NAME[f.name]] if f.name in _TEXT_BY_NAME else []
    candidates += [_TEXTAREA if f.type is FieldType.TEXTAREA else f.label, *_PATTERN_EXAMPLES]
    for candidate in candidates:
        value = candidate[: f.max_length] if f.max_length else candidate
        if f.pattern is None or re.fullmatch(f.pattern, value):
            return value.strip()
    raise ValueError(f"no example value for {f.name!r} matching {f.pattern!r}: add one to _PATTERN_EXAMPLES")


def _number(f: FormField) -> int | float:
    value = Decimal(1)
    if f.min is not None and value < f.min:
        value = f.min
    if f.max is not None and value > f.max:
        value = f.max
    return int(value) if value == value.to_integral_value() else float(value)


def _money(f: FormField) -> str:
    value = Decimal("17.00")
    if f.min is not None and value < f.min:
        value = f.min
    if f.max is not None and value > f.max:
        value = f.max
    return f"{value:.2f}"


def _holds(rule: Mapping[str, str | bool] | None, values: Mapping[str, Any], kinds: Mapping[str, FieldType]) -> bool:
    for name, expected in (rule or {}).items():
        actual = values.get(name)
        if actual is None and kinds[name] is FieldType.CHECKBOX:
            actual = False
        if actual != expected or isinstance(actual, bool) != isinstance(expected, bool):
            return False
    return True


def _item(f: FormField, path: str, attachment_id: Callable[[str], str]) -> Any:
    match f.type:
        case FieldType.GROUP:
            return _fields(f.fields, path + ".", attachment_id)
        case FieldType.PERSON:
            return copy.deepcopy(PERSON)
        case FieldType.FIRM:
            return copy.deepcopy(FIRM)
        case FieldType.ADDRESS:
            return copy.deepcopy(ADDRESS)
        case FieldType.FILE:
            return attachment_id(path)
        case FieldType.CHOICE:
            return f.options[0].value
        case FieldType.CHECKBOX:
            return True
        case FieldType.NUMBER:
            return _number(f)
        case FieldType.MONEY:
            return _money(f)
        case FieldType.TEXT | FieldType.TEXTAREA:
            return _text(f)
    return _SIMPLE[f.type]


def _fields(fields: list[FormField], prefix: str, attachment_id: Callable[[str], str]) -> dict[str, Any]:
    kinds = {f.name: f.type for f in fields}
    values: dict[str, Any] = {}
    pending = list(fields)
    while pending:  # a field is decided once the fields its conditions name are
        ready = [f for f in pending
                 if not ({*(f.visible_when or {}), *(f.required_when or {})} & {p.name for p in pending})]
        if not ready:
            raise ValueError(f"conditions form a cycle among {[f.name for f in pending]}")
        for f in ready:
            pending.remove(f)
            if not _holds(f.visible_when, values, kinds):
                continue
            required = f.required or (f.required_when is not None and _holds(f.required_when, values, kinds))
            path = prefix + f.name
            if f.repeatable and required:
                values[f.name] = [_item(f, f"{path}[0]", attachment_id)]
            elif required:
                values[f.name] = _item(f, path, attachment_id)
            elif f.type is FieldType.CHECKBOX and not f.repeatable:
                values[f.name] = False
    return {f.name: values[f.name] for f in fields if f.name in values}  # definition order


def valid_data(defn: ServiceDefinition, attachment_id: Callable[[str], str]) -> dict[str, Any]:
    """Form data that `compile_form(defn).validate` accepts; file fields get `attachment_id(field path)`."""
    return _fields(defn.form.fields, "", attachment_id)


_STEP = re.compile(r"([a-z][a-z0-9_]*)((?:\[\d+\])*)")


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if match is None:
            raise ValueError(f"bad path {path!r}")
        steps.append(match.group(1))
        steps += [int(i) for i in re.findall(r"\[(\d+)\]", match.group(2))]
    return steps


def with_value(data: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `data` with `value` at `path` ("wnioskodawca.pesel", "drzewa[0].gatunek").

    Missing objects and lists on the way are created (a list index may be the next free one).
    """
    out = copy.deepcopy(dict(data))
    steps = _steps(path)
    node: Any = out
    for step, after in itertools.pairwise(steps):
        empty: Any = [] if isinstance(after, int) else {}
        if isinstance(step, int):
            if step == len(node):
                node.append(empty)
        elif node.get(step) is None:
            node[step] = empty
        node = node[step]
    last = steps[-1]
    if isinstance(last, int) and last == len(node):
        node.append(value)
    else:
        node[last] = value
    return out


def without(data: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A deep copy of `data` without the value at `path`."""
    out = copy.deepcopy(dict(data))
    steps = _steps(path)
    node: Any = out
    for step in steps[:-1]:
        node = node[step]
    del node[steps[-1]]
    return out
