"""Form definitions compiled into pydantic models that validate and clean residents' form data.

One model per level of the form (the form itself and every group), built once per published version
(`compile_form` caches). Every field of a generated model is optional to pydantic and carries a wrap
validator that applies the definition's rules in place:

* `visible_when` that does not hold: the field is hidden, its value is dropped unvalidated;
* `required` / `required_when`: an absent value is reported as "missing" at the field's own path
  (a required checkbox, a declaration, must be ticked: "must_be_checked");
* conditions compare the *cleaned* values of sibling fields, which pydantic hands to the validator
  (`ValidationInfo.data`); fields are therefore declared in dependency order: a field after the fields
  its conditions name. A sibling that failed validation is not in that data: the condition is then
  unknown, and the field is validated as given but not reported as missing.

Every error of the whole form comes out of one pydantic `ValidationError`, each with its path.

The model's attributes are named `f_<field>` with the field's name as alias (so that no form field can
clash with a BaseModel attribute); input, error paths and `FormData.values` use the field names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    conlist,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError

from chalicelib.core.errors import validation_details
from chalicelib.forms import values as v
from chalicelib.model.service import FieldType, FormField, ServiceDefinition

MAX_ITEMS = 100  # of a repeatable field

WrapFn = Callable[[Any, ValidatorFunctionWrapHandler, ValidationInfo], Any]



class FormInvalid(ValueError):
    """The form's data broke its definition: every error, each with its field path ("data", ...) and a Polish
    message. No HTTP status here: the module that took the form answers for it."""

    def __init__(self, details: list[dict[str, str]]) -> None:
        self.details = details
        super().__init__(f"{len(details)} błędów w formularzu")

@dataclass(frozen=True)
class Party:
    """Who files: the sender on the official receipt (UPP), matched against the signer."""

    kind: Literal["person", "firm"]
    name: str
    pesel: str | None
    nip: str | None
    regon: str | None


@dataclass(frozen=True)
class FileRef:
    field: str  # "mapka", "zalaczniki[1]", "drzewa[0].zdjecie"
    attachment_id: str


@dataclass(frozen=True)
class FormData:
    values: dict[str, Any]  # cleaned, JSON-compatible; hidden and absent fields left out
    applicant: Party | None
    files: list[FileRef]
    email: str | None
    edelivery_address: str | None = None  # the party's ADE: the office's letters go there by default


class _FormModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _absent_as_null(cls, data: Any) -> Any:
        """Give every absent field an explicit null: its rules run, and errors name it by its alias.

        (Pydantic names a field by its attribute, not its alias, when it validates a default.)
        """
        if isinstance(data, dict):
            return {**{info.alias: None for info in cls.model_fields.values()}, **data}
        return data


def _attr(name: str) -> str:
    return f"f_{name}"


# --- conditions ------------------------------------------------------------------------------------


def _holds(
    rule: Mapping[str, str | bool] | None, data: Mapping[str, Any], kinds: Mapping[str, FieldType],
) -> bool | None:
    """True/False; None when a sibling the rule names failed validation (so its value is unknown)."""
    if not rule:
        return True
    unknown = False
    for name, expected in rule.items():
        key = _attr(name)
        if key not in data:
            unknown = True
            continue
        actual = data[key]
        if actual is None and kinds[name] is FieldType.CHECKBOX:
            actual = False  # an unticked (or hidden) checkbox
        if isinstance(actual, bool) != isinstance(expected, bool) or actual != expected:
            return False
    return None if unknown else True


def _rules(f: FormField, kinds: Mapping[str, FieldType]) -> WrapFn:
    """The wrap validator applying visibility and requiredness to one field (`kinds`: its siblings' types)."""
    checkbox = f.type is FieldType.CHECKBOX and not f.repeatable

    def apply(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        visible = _holds(f.visible_when, info.data, kinds)
        if visible is False:
            return None  # hidden: whatever came is dropped
        cleaned = handler(value)
        if checkbox and cleaned is None:
            cleaned = False
        required = visible is True and (
            f.required or (f.required_when is not None and _holds(f.required_when, info.data, kinds) is True)
        )
        if not required:
            return None if cleaned == [] else cleaned
        if checkbox:
            if cleaned is not True:
                raise PydanticCustomError("must_be_checked", "To oświadczenie jest wymagane.")
        elif cleaned is None:
            raise PydanticKnownError("missing")
        elif cleaned == []:
            raise PydanticKnownError("too_short", {"field_type": "List", "min_length": 1, "actual_length": 0})
        return cleaned

    return apply


def _dependency_order(fields: list[FormField], where: str) -> list[FormField]:
    """Definition order, except that a field comes after the siblings its conditions name."""
    by_name = {f.name: f for f in fields}
    ordered: list[FormField] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(f: FormField) -> None:
        if f.name in done:
            return
        if f.name in visiting:
            raise ValueError(f"{where}: warunki pola „{f.name}” tworzą cykl.")
        visiting.add(f.name)
        for ref in {**(f.visible_when or {}), **(f.required_when or {})}:
            if ref not in by_name:
                raise ValueError(f"{where}: warunek pola „{f.name}” odwołuje się do nieznanego pola „{ref}”.")
            visit(by_name[ref])
        visiting.discard(f.name)
        done.add(f.name)
        ordered.append(f)

    for f in fields:
        visit(f)
    return ordered


# --- models ----------------------------------------------------------------------------------------

_SHAPES: dict[FieldType, type[BaseModel]] = {
    FieldType.PERSON: v.Person,
    FieldType.FIRM: v.Firm,
    FieldType.ADDRESS: v.Address,
}


_PLAIN: dict[FieldType, v.Cleaner] = {
    FieldType.DATE: v.clean_date,
    FieldType.CHECKBOX: v.clean_checkbox,
    FieldType.BANK_ACCOUNT: v.clean_bank_account,
    FieldType.EDELIVERY_ADDRESS: v.clean_edelivery_address,
    FieldType.EMAIL: v.clean_email,
    FieldType.PHONE: v.clean_phone,
    FieldType.FILE: v.clean_attachment_id,
}
_TEXT_LENGTH = {FieldType.TEXT: v.DEFAULT_TEXT_LENGTH, FieldType.TEXTAREA: v.DEFAULT_TEXTAREA_LENGTH}


def _cleaner(f: FormField) -> v.Cleaner:
    if f.type in _PLAIN:
        return _PLAIN[f.type]
    if f.type in _TEXT_LENGTH:
        return v.text(f.max_length or _TEXT_LENGTH[f.type], f.pattern, multiline=f.type is FieldType.TEXTAREA)
    if f.type is FieldType.NUMBER:
        return v.number(f.min, f.max)
    if f.type is FieldType.MONEY:
        return v.money(f.min, f.max)
    if f.type is FieldType.CHOICE:
        return v.choice([o.value for o in f.options])
    raise ValueError(f"Pole „{f.name}”: typ {f.type.value} nie jest wartością prostą.")  # pragma: no cover


def _item_type(f: FormField, model_name: str, *, in_list: bool) -> Any:
    """What one value of the field is: a generated model (group), a shape, or a cleaned plain value."""
    if f.type is FieldType.GROUP:
        return _build_model(f"{model_name}_{f.name}", f.fields)
    if f.type in _SHAPES:
        return _SHAPES[f.type]
    clean = _cleaner(f)
    # Inside a list an absent item is an error at its index; on its own, absence is the rules' business.
    return Annotated[Any, PlainValidator(v.required(clean) if in_list else clean)]


def _field_type(f: FormField, model_name: str) -> Any:
    item = _item_type(f, model_name, in_list=f.repeatable)
    inner: Any = conlist(item, max_length=MAX_ITEMS) if f.repeatable else item
    return inner | None


def _kinds(fields: list[FormField]) -> dict[str, FieldType]:
    return {f.name: f.type for f in fields}


def _build_model(name: str, fields: list[FormField]) -> type[BaseModel]:
    kinds = _kinds(fields)
    spec: dict[str, Any] = {}
    for f in _dependency_order(fields, name):
        annotation: Any = Annotated[_field_type(f, name), WrapValidator(_rules(f, kinds))]
        spec[_attr(f.name)] = (annotation, Field(default=None, validate_default=True, alias=f.name))
    return create_model(name, __base__=_FormModel, **spec)


def _model_name(defn: ServiceDefinition) -> str:
    return "".join(part.capitalize() for part in defn.id.split("-")) + f"V{defn.version}"


# --- cleaned values --------------------------------------------------------------------------------


def _dump(instance: BaseModel, fields: list[FormField]) -> dict[str, Any]:
    """The validated model as JSON-compatible values, in definition order, absent (and hidden) fields left out."""
    out: dict[str, Any] = {}
    for f in fields:
        value = getattr(instance, _attr(f.name))
        if value is None:
            continue
        out[f.name] = [_dump_item(f, item) for item in value] if f.repeatable else _dump_item(f, value)
    return out


def _dump_item(f: FormField, value: Any) -> Any:
    if f.type is FieldType.GROUP:
        return _dump(value, f.fields)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    return value


def _items(f: FormField, value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, value) of each item of a field: `name` alone, or `name[0]`, `name[1]`... when repeatable."""
    if f.repeatable:
        for i, item in enumerate(value):
            yield f"{path}[{i}]", item
    else:
        yield path, value


def _files(fields: list[FormField], values: Mapping[str, Any], prefix: str = "") -> Iterator[FileRef]:
    for f in fields:
        if f.name not in values or f.type not in (FieldType.FILE, FieldType.GROUP):
            continue
        for path, item in _items(f, values[f.name], prefix + f.name):
            if f.type is FieldType.FILE:
                yield FileRef(field=path, attachment_id=item)
            else:
                yield from _files(f.fields, item, path + ".")


def _first(fields: list[FormField], values: Mapping[str, Any], types: set[FieldType]) -> tuple[FieldType, Any] | None:
    """The first top-level field of one of `types` that has a value (its first item, if repeatable)."""
    for f in fields:
        if f.type in types and f.name in values:
            for _, item in _items(f, values[f.name], f.name):
                return f.type, item
    return None


def _applicant(fields: list[FormField], values: Mapping[str, Any]) -> Party | None:
    found = _first(fields, values, {FieldType.PERSON, FieldType.FIRM})
    if found is None:
        return None
    kind, party = found
    if kind is FieldType.PERSON:
        name = f"{party['first_name']} {party['last_name']}"
        return Party(kind="person", name=name, pesel=party["pesel"], nip=None, regon=None)
    return Party(kind="firm", name=party["name"], pesel=None, nip=party["nip"], regon=party.get("regon"))


# --- the compiled form -----------------------------------------------------------------------------


class CompiledForm:
    """One service version's form as a pydantic model, with what the platform reads out of filed data."""

    def __init__(self, defn: ServiceDefinition) -> None:
        self.service: str = defn.id
        self.version: int = defn.version
        self.definition: ServiceDefinition = defn
        self.model: type[BaseModel] = _build_model(_model_name(defn), defn.form.fields)

    def __repr__(self) -> str:
        return f"CompiledForm({self.service!r}, v{self.version})"

    def validate(self, data: object) -> FormData:
        """Validate and clean form data (the request body's "data"); every error of the form at once."""
        try:
            instance = self.model.model_validate(data)
        except ValidationError as exc:
            raise FormInvalid(validation_details(exc, prefix=("data",))) from None
        fields = self.definition.form.fields
        values = _dump(instance, fields)
        email = _first(fields, values, {FieldType.EMAIL})
        ade = _first(fields, values, {FieldType.EDELIVERY_ADDRESS})
        return FormData(
            values=values,
            applicant=_applicant(fields, values),
            files=list(_files(fields, values)),
            email=email[1] if email else None,
            edelivery_address=ade[1] if ade else None,
        )


_compiled: dict[tuple[str, int], CompiledForm] = {}
_lock = threading.Lock()


def compile_form(defn: ServiceDefinition) -> CompiledForm:
    """The compiled form of a service version, built once per (id, version).

    A published version never changes; a different definition under the same id and version (only ever
    in tests or while drafting) replaces the cached one rather than being validated with stale rules.
    """
    key = (defn.id, defn.version)
    compiled = _compiled.get(key)
    if compiled is not None and (compiled.definition is defn or compiled.definition == defn):
        return compiled
    compiled = CompiledForm(defn)
    with _lock:
        _compiled[key] = compiled
    return compiled
