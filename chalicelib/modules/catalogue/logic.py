"""Catalogue rules: search, a JST's view of a service, form export, publication fingerprints.

No Chalice, no boto3: callers pass the definitions and tenant configurations in.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.identifiers import format_nrb
from chalicelib.model import jrwa as wykaz
from chalicelib.model.fees import FeeDue
from chalicelib.model.service import (
    Category,
    Deadline,
    DeadlineKind,
    Fee,
    FieldType,
    FormDefinition,
    FormField,
    ServiceDefinition,
)
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.catalogue import fees
from chalicelib.modules.catalogue.models import CatalogueEntry, FeeQuote, FeeQuoteIn, FormSchema

DEADLINE_TEXT = {
    DeadlineKind.NIEZWLOCZNIE: "Niezwłocznie (art. 35 § 2 KPA).",
    DeadlineKind.SIEDEM_DNI: "Do 7 dni (art. 217 § 3 KPA).",
    DeadlineKind.JEDEN_MIESIAC: "Do 1 miesiąca (art. 35 § 3 KPA).",
    DeadlineKind.DWA_MIESIACE: "Do 2 miesięcy w sprawie szczególnie skomplikowanej (art. 35 § 3 KPA).",
}


class CatalogueReader(Protocol):
    def latest_all(self) -> list[ServiceDefinition]: ...

    def get(self, service_id: str, version: int | None = None) -> ServiceDefinition | None: ...


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form for search (ł has no decomposition, so map it by hand)."""
    text = text.casefold().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _haystack(defn: ServiceDefinition) -> str:
    return fold(" ".join([defn.name, defn.purpose, defn.id, *defn.keywords]))


def matches(defn: ServiceDefinition, q: str | None, category: Category | None) -> bool:
    if category is not None and defn.category is not category:
        return False
    if not q:
        return True
    hay = _haystack(defn)
    return all(token in hay for token in fold(q).split())


def entry(defn: ServiceDefinition, tenant: TenantConfig | None = None) -> CatalogueEntry:
    """The service as `tenant` offers it (its overrides applied), or as the region describes it."""
    data = defn.model_dump(exclude={"form", "keywords"})
    data["attachments"] = defn.attachment_rules
    data.update(_fee_fields(defn, tenant))
    if tenant is None:
        return CatalogueEntry(**data, **_jrwa_fields(defn.jrwa))
    setting = tenant.setting(defn.id)
    deadline = defn.deadline
    department = defn.department
    jrwa = defn.jrwa
    if setting is not None:
        if setting.deadline_kind is not None and setting.deadline_kind is not defn.deadline.kind:
            deadline = Deadline(kind=setting.deadline_kind, description=DEADLINE_TEXT[setting.deadline_kind])
        department = setting.department or department
        jrwa = setting.jrwa or jrwa
    data.update(deadline=deadline, department=department, jrwa=jrwa, tenant=tenant.terc,
                bank_account=format_nrb(tenant.bank_account), **_jrwa_fields(jrwa))
    return CatalogueEntry(**data)


def _fee_fields(defn: ServiceDefinition, tenant: TenantConfig | None) -> dict[str, Any]:
    """The rule in effect, in words, and in short as the first versions' `fee` (fixed, or a table's lowest)."""
    rule = fees.rule_for(defn, tenant)
    short = None
    if rule is not None:
        amount = rule.amount if rule.amount is not None else min(rule.table.values())
        short = Fee(amount=amount, title=rule.title, legal_basis=rule.legal_basis,
                    exemptions=[e.reason for e in rule.exemptions] + rule.notes)
    return {"fee": short, "fee_rule": rule, "fee_text": fees.describe(rule, defn.form)}


def fee_due(defn: ServiceDefinition, tenant: TenantConfig, values: Mapping[str, Any]) -> FeeDue | None:
    """The fee a validated form owes in `tenant` (None: no fee); 422 on the field when its option sets no amount."""
    return fees.due_for(fees.rule_for(defn, tenant), defn.form, values)


def quote(defs: CatalogueReader, tenant: TenantConfig, service_id: str, body: FeeQuoteIn) -> FeeQuote:
    """The fee of a form filled so far, for the form page: the service must be one the JST offers."""
    tenant_service(defs, tenant, service_id)
    return fees.quote(require(defs, service_id, body.form_version), tenant, body.data)


def _jrwa_fields(symbol: str) -> dict[str, str | None]:
    found = wykaz.final_class(symbol)
    if found is None:
        return {"jrwa_title": None, "archival_category": None}
    return {"jrwa_title": found.title, "archival_category": found.category}


def enabled_ids(tenant: TenantConfig) -> set[str]:
    return {s.id for s in tenant.services if s.enabled}


def search(
    defs: Iterable[ServiceDefinition], *, q: str | None, category: Category | None, tenant: TenantConfig | None
) -> list[CatalogueEntry]:
    allowed = enabled_ids(tenant) if tenant is not None else None
    found = [
        entry(d, tenant)
        for d in defs
        if (allowed is None or d.id in allowed) and matches(d, q, category)
    ]
    return sorted(found, key=lambda e: fold(e.name))


def tenant_service(defs: CatalogueReader, tenant: TenantConfig, service_id: str) -> CatalogueEntry:
    defn = defs.get(service_id)
    if defn is None or service_id not in enabled_ids(tenant):
        raise NotFound(f"Jednostka {tenant.name} nie udostępnia usługi „{service_id}”.", code="service_not_enabled")
    return entry(defn, tenant)


def require(defs: CatalogueReader, service_id: str, version: int | None = None) -> ServiceDefinition:
    defn = defs.get(service_id, version)
    if defn is None:
        suffix = f" w wersji {version}" if version else ""
        raise NotFound(f"Usługa „{service_id}”{suffix} nie istnieje w katalogu.", code="service_not_found")
    return defn


# --- form export -----------------------------------------------------------------------------------

_PERSON = {
    "type": "object",
    "properties": {
        "first_name": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Imię"},
        "last_name": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Nazwisko"},
        "pesel": {"type": "string", "pattern": r"^\d{11}$", "title": "PESEL"},
        "birth_date": {"type": "string", "format": "date", "title": "Data urodzenia"},
        "sex": {"type": "string", "enum": ["K", "M"], "title": "Płeć"},
    },
    "required": ["first_name", "last_name", "pesel"],
    "additionalProperties": False,
}
_FIRM = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 300, "title": "Nazwa"},
        "nip": {"type": "string", "pattern": r"^(PL)?(\d[ -]?){9}\d$", "title": "NIP"},
        "regon": {"type": "string", "pattern": r"^(\d{9}|\d{14})$", "title": "REGON"},
        "krs": {"type": "string", "pattern": r"^\d{10}$", "title": "Numer KRS"},
    },
    "required": ["name", "nip"],
    "additionalProperties": False,
}
_ADDRESS = {
    "type": "object",
    "properties": {
        "street": {"type": "string", "maxLength": 150, "title": "Ulica"},
        "building": {"type": "string", "minLength": 1, "maxLength": 20, "title": "Nr domu"},
        "flat": {"type": "string", "maxLength": 20, "title": "Nr lokalu"},
        "postal_code": {"type": "string", "minLength": 1, "maxLength": 12, "title": "Kod pocztowy"},
        "city": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Miejscowość"},
        "teryt_simc": {"type": "string", "pattern": r"^\d{7}$", "title": "Kod SIMC miejscowości"},
        "teryt_ulic": {"type": "string", "pattern": r"^\d{5}$", "title": "Kod ULIC ulicy"},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$", "default": "PL", "title": "Kraj (kod ISO 3166-1)"},
    },
    "required": ["building", "postal_code", "city"],
    "additionalProperties": False,
    # A Polish postal code (00-000) for an address in Poland, the default country.
    "if": {"anyOf": [{"not": {"required": ["country"]}}, {"properties": {"country": {"const": "PL"}}}]},
    "then": {"properties": {"postal_code": {"pattern": r"^\d{2}-\d{3}$"}}},
}
_SIMPLE: dict[FieldType, dict[str, Any]] = {
    FieldType.TEXT: {"type": "string"},
    FieldType.TEXTAREA: {"type": "string"},
    FieldType.NUMBER: {"type": "number"},
    FieldType.MONEY: {"type": ["string", "number"], "pattern": r"^\d+([.,]\d{1,2})?$", "minimum": 0,
                      "description": "Kwota w złotych, najwyżej 2 miejsca po przecinku."},
    FieldType.DATE: {"type": "string", "format": "date"},
    FieldType.CHECKBOX: {"type": "boolean"},
    FieldType.BANK_ACCOUNT: {"type": "string", "pattern": r"^(PL)?[0-9 ]{26,32}$"},
    FieldType.EDELIVERY_ADDRESS: {"type": "string", "pattern": r"^AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d{2}$"},
    FieldType.EMAIL: {"type": "string", "format": "email", "maxLength": 254},
    FieldType.PHONE: {"type": "string", "pattern": r"^\+?[0-9 ()-]{9,20}$"},
    FieldType.FILE: {"type": "string", "pattern": "^[0-9a-f]{32}$",
                     "description": "Identyfikator przesłanego załącznika."},
    FieldType.PERSON: _PERSON,
    FieldType.FIRM: _FIRM,
    FieldType.ADDRESS: _ADDRESS,
}


def _field_schema(f: FormField) -> dict[str, Any]:
    if f.type is FieldType.GROUP:
        schema: dict[str, Any] = _object_schema(f.fields)
    elif f.type is FieldType.CHOICE:
        schema = {"type": "string", "enum": [o.value for o in f.options]}
    else:
        schema = json.loads(json.dumps(_SIMPLE[f.type]))
    schema["title"] = f.label
    if f.help:
        schema["description"] = f.help
    if f.min is not None:
        schema["minimum"] = float(f.min)
    if f.max is not None:
        schema["maximum"] = float(f.max)
    if f.max_length is not None:
        schema["maxLength"] = f.max_length
    if f.pattern is not None:
        schema["pattern"] = f.pattern
    if f.repeatable:
        return {"type": "array", "title": f.label, "items": schema, "minItems": 1 if f.required else 0}
    return schema


def _object_schema(fields: list[FormField]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "additionalProperties": False,
    }
    required = [f.name for f in fields if f.required and not f.visible_when]
    if required:
        schema["required"] = required
    conditional = []
    for f in fields:
        rule = f.required_when or (f.visible_when if f.required else None)
        if rule:
            conditional.append({
                "if": {"properties": {k: {"const": v} for k, v in rule.items()}, "required": list(rule)},
                "then": {"required": [f.name]},
            })
    if conditional:
        schema["allOf"] = conditional
    return schema


def _ui(fields: list[FormField]) -> dict[str, Any]:
    ui: dict[str, Any] = {"order": [f.name for f in fields], "fields": {}}
    for f in fields:
        hint: dict[str, Any] = {"widget": f.type.value, "label": f.label}
        if f.help:
            hint["help"] = f.help
        if f.options:
            hint["options"] = [o.model_dump() for o in f.options]
        if f.visible_when:
            hint["visible_when"] = f.visible_when
        if f.repeatable:
            hint["repeatable"] = True
        if f.fields:
            hint["group"] = _ui(f.fields)
        ui["fields"][f.name] = hint
    return ui


def form_schema(defn: ServiceDefinition) -> FormSchema:
    form: FormDefinition = defn.form
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:eurzad:form:{defn.id}:v{defn.version}",
        "title": form.title,
        **_object_schema(form.fields),
    }
    return FormSchema(service=defn.id, version=defn.version, json_schema=schema, ui=_ui(form.fields))


# --- publication -----------------------------------------------------------------------------------

# Keys the definition language gained after versions were published: left out while unset, so every
# version published before them keeps its fingerprint.
LATER_KEYS = ("attachments", "fee_rule")


def canonical(defn: ServiceDefinition) -> str:
    data = defn.model_dump(mode="json")
    for key in LATER_KEYS:
        if data.get(key) is None:
            data.pop(key, None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fingerprint(defn: ServiceDefinition) -> str:
    return hashlib.sha256(canonical(defn).encode()).hexdigest()


def check_republish(defn: ServiceDefinition, published_sha256: str | None) -> bool:
    """True if `defn` must be written; False if that exact version is already published.

    A published version never changes: different content under the same version is refused.
    """
    if published_sha256 is None:
        return True
    if published_sha256 == fingerprint(defn):
        return False
    raise Conflict(
        f"Usługa „{defn.id}” w wersji {defn.version} jest już opublikowana z inną treścią; "
        "zmiana wymaga nowej wersji.",
        code="published_version_immutable",
    )
