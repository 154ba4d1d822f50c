"""The application's form data twice over: the machine-readable `f:Formularz` block and the lines a person reads.

See `wniosek` for the layout of the block.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from chalicelib.documents.epuap import LIST_ATTRIBUTE, NAME, AttachmentRef, q, sub
from chalicelib.model.service import FieldType, FormField

# Sub-keys of the compound field types, in the order the form export (JSON schema) lists them.
SUBKEYS: dict[FieldType, tuple[str, ...]] = {
    FieldType.PERSON: ("first_name", "last_name", "pesel"),
    FieldType.FIRM: ("name", "nip", "regon"),
    FieldType.ADDRESS: ("street", "building", "flat", "postal_code", "city", "teryt_simc", "teryt_ulic"),
}


# --- the machine-readable block --------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, list | dict) and not value)


def _check_keys(fields: list[FormField], values: Mapping[str, Any], path: str) -> None:
    unknown = sorted(set(values) - {f.name for f in fields})
    if unknown:
        raise ValueError(f"{path or 'form'}: fields not in the definition: {', '.join(unknown)}")


def write_fields(parent: etree._Element, f_ns: str, fields: list[FormField], values: Mapping[str, Any],
                  path: str) -> None:
    _check_keys(fields, values, path)
    for field in fields:
        value = values.get(field.name)
        if _empty(value):
            continue
        where = f"{path}{field.name}"
        if field.repeatable:
            if not isinstance(value, list):
                raise ValueError(f"{where}: a repeatable field takes a list")
            for index, item in enumerate(value):
                element = _write_value(parent, f_ns, field, item, f"{where}[{index}]")
                if element is not None:
                    element.set(LIST_ATTRIBUTE, "true")
        else:
            _write_value(parent, f_ns, field, value, where)


def _write_value(parent: etree._Element, f_ns: str, field: FormField, value: Any,
                 where: str) -> etree._Element | None:
    if _empty(value):
        return None
    if field.type is FieldType.GROUP:
        if not isinstance(value, Mapping):
            raise ValueError(f"{where}: a group takes an object")
        element = etree.Element(q(f_ns, field.name))
        write_fields(element, f_ns, field.fields, value, f"{where}.")
    elif field.type in SUBKEYS:
        if not isinstance(value, Mapping):
            raise ValueError(f"{where}: a {field.type.value} field takes an object")
        element = etree.Element(q(f_ns, field.name))
        known = SUBKEYS[field.type]
        for key in [*known, *(k for k in value if k not in known)]:
            if not NAME.match(key):
                raise ValueError(f"{where}: {key!r} is not a valid element name")
            item = value.get(key)
            if item is not None:
                sub(element, f_ns, key, _leaf_text(item, f"{where}.{key}"))
    else:
        element = etree.Element(q(f_ns, field.name))
        element.text = _leaf_text(value, where)
    if len(element) == 0 and element.text is None:
        return None  # an object with nothing in it: left out like an absent one
    parent.append(element)
    return element


def _leaf_text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise ValueError(f"{where}: a {type(value).__name__} cannot be a leaf value")


# --- the human-readable lines ----------------------------------------------------------------------------------


def readable_lines(fields: list[FormField], values: Mapping[str, Any], prefix: str,
           attachments: Mapping[str, AttachmentRef]) -> Iterator[str]:
    for field in fields:
        value = values.get(field.name)
        if _empty(value):
            continue
        items = [i for i in value if not _empty(i)] if field.repeatable and isinstance(value, list) else [value]
        for number, item in enumerate(items, 1):
            label = f"{prefix}{field.label.rstrip(' .:')}" + (f" ({number})" if len(items) > 1 else "")
            if field.type is FieldType.GROUP and isinstance(item, Mapping):
                yield from readable_lines(field.fields, item, f"{label} – ", attachments)
            else:
                yield f"{label}: {_describe(field, item, attachments)}"


def _describe(field: FormField, value: Any, attachments: Mapping[str, AttachmentRef]) -> str:
    if field.type is FieldType.CHECKBOX:
        return "tak" if value in (True, "true") else "nie"
    if field.type is FieldType.CHOICE:
        return next((o.label for o in field.options if o.value == value), str(value))
    if field.type is FieldType.MONEY:
        return f"{_leaf_text(value, field.name)} zł"
    if field.type is FieldType.FILE:
        attachment = attachments.get(str(value))
        return attachment.filename if attachment else str(value)
    if isinstance(value, Mapping):
        return _describe_object(field.type, value)
    return _leaf_text(value, field.name)


def _describe_object(kind: FieldType, value: Mapping[str, Any]) -> str:
    def get(key: str) -> str:
        item = value.get(key)
        return "" if item is None else str(item)

    if kind is FieldType.PERSON:
        parts = [f"{get('first_name')} {get('last_name')}".strip()]
        if get("pesel"):
            parts.append(f"PESEL {get('pesel')}")
    elif kind is FieldType.FIRM:
        parts = [get("name")]
        parts += [f"{label} {get(key)}" for key, label in (("nip", "NIP"), ("regon", "REGON")) if get(key)]
    elif kind is FieldType.ADDRESS:
        building = get("building") + (f"/{get('flat')}" if get("flat") else "")
        parts = [f"{get('street')} {building}".strip(), f"{get('postal_code')} {get('city')}".strip()]
    else:
        parts = [f"{key}: {item}" for key, item in value.items()]
    return ", ".join(p for p in parts if p)
