"""A catalogue service (WKUP) as published: its description, fee, deadline, attachment rules and form definition.

Shared model: the libraries (forms, documents) and every module read it; it imports nothing of theirs.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.model import jrwa as wykaz
from chalicelib.model.fees import Charge, FeeRule, Surcharge

ServiceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
DeptSymbol = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{0,9}$")]
Jrwa = Annotated[str, StringConstraints(pattern=r"^\d{1,4}$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(str, Enum):
    PODATKI = "podatki-i-oplaty"
    SRODOWISKO = "srodowisko"
    DZIALALNOSC = "dzialalnosc-gospodarcza"
    DROGI = "drogi-i-transport"
    NIERUCHOMOSCI = "nieruchomosci-i-budownictwo"
    ODPADY = "gospodarka-odpadami"
    SPRAWY_OGOLNE = "sprawy-ogolne"
    SPRAWY_OBYWATELSKIE = "sprawy-obywatelskie"


class DeadlineKind(str, Enum):
    """KPA deadlines: art. 35 (without delay, 1 month, 2 months), art. 217 (certificate, 7 days)."""

    NIEZWLOCZNIE = "niezwlocznie"
    SIEDEM_DNI = "7-dni"
    JEDEN_MIESIAC = "1-miesiac"
    DWA_MIESIACE = "2-miesiace"


class Fee(Strict):
    """The fee as the first versions describe it: a fixed amount, exemptions in words (`FeeRule` computes)."""

    amount: Money
    title: str = Field(min_length=3, description="Tytuł opłaty, np. opłata skarbowa za wydanie zaświadczenia.")
    legal_basis: str | None = None
    exemptions: list[str] = []

    def as_rule(self) -> FeeRule:
        return FeeRule(title=self.title, legal_basis=self.legal_basis, amount=self.amount, notes=self.exemptions)


class Deadline(Strict):
    kind: DeadlineKind
    description: str = Field(min_length=3)


class RequiredAttachment(Strict):
    name: str = Field(min_length=3)
    description: str | None = None
    required: bool = True


class FieldType(str, Enum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    CHOICE = "choice"
    CHECKBOX = "checkbox"
    PERSON = "person"
    FIRM = "firm"
    ADDRESS = "address"
    BANK_ACCOUNT = "bank-account"
    EDELIVERY_ADDRESS = "edelivery-address"
    EMAIL = "email"
    PHONE = "phone"
    FILE = "file"
    GROUP = "group"


# What an attached file may be, by content (sniffed), not by name. Keys are the content types accepted.
FILE_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "application/xml": "XML (np. dokument podpisany XAdES)",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}
FileType = Annotated[str, StringConstraints(pattern="^(" + "|".join(map(re.escape, FILE_TYPES)) + ")$")]
MiB = 1024 * 1024


class AttachmentRules(Strict):
    """How many files a submission may carry, of which types and how big (each and together)."""

    max_files: int = Field(default=20, ge=1, le=100)
    max_file_bytes: int = Field(default=10 * MiB, ge=1024, le=100 * MiB)
    max_total_bytes: int = Field(default=50 * MiB, ge=1024, le=500 * MiB)
    types: list[FileType] = Field(default_factory=lambda: list(FILE_TYPES), min_length=1)


DEFAULT_ATTACHMENT_RULES = AttachmentRules()


class ChoiceOption(Strict):
    value: str
    label: str


class FormField(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    type: FieldType
    label: str = Field(min_length=1)
    help: str | None = None
    required: bool = False
    options: list[ChoiceOption] = []
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = Field(default=None, gt=0)
    pattern: str | None = None
    repeatable: bool = False
    fields: list[FormField] = []  # children of a group
    visible_when: dict[str, str | bool] | None = None
    required_when: dict[str, str | bool] | None = None

    @model_validator(mode="after")
    def _shape(self) -> FormField:
        if self.type is FieldType.CHOICE and not self.options:
            raise ValueError("Pole wyboru musi mieć listę opcji.")
        if self.type is FieldType.GROUP and not self.fields:
            raise ValueError("Grupa pól musi zawierać pola.")
        if self.type is not FieldType.GROUP and self.fields:
            raise ValueError("Tylko grupa może zawierać pola.")
        return self


class FormDefinition(Strict):
    title: str = Field(min_length=3)
    fields: list[FormField] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> FormDefinition:
        seen: set[str] = set()
        for f in self.fields:
            if f.name in seen:
                raise ValueError(f"Pole „{f.name}” występuje w formularzu więcej niż raz.")
            seen.add(f.name)
        names = seen
        for f in self.fields:
            for rule in (f.visible_when, f.required_when):
                for ref in (rule or {}):
                    if ref not in names:
                        raise ValueError(f"Warunek pola „{f.name}” odwołuje się do nieznanego pola „{ref}”.")
        return self


class ServiceDefinition(Strict):
    """One published version of a catalogue service: description plus form. Immutable once published."""

    id: ServiceId
    version: int = Field(ge=1)
    name: str = Field(min_length=5)
    category: Category
    purpose: str = Field(min_length=10)
    who_may_apply: str = Field(min_length=5)
    legal_basis: list[str] = Field(min_length=1)
    fee: Fee | None = None  # None: no fee (or `fee_rule`)
    # The fee as a rule computed from the form (added after the first versions were published: see fingerprint).
    fee_rule: FeeRule | None = None
    deadline: Deadline
    required_attachments: list[RequiredAttachment] = []
    jrwa: Jrwa
    department: DeptSymbol = Field(description="Symbol komórki właściwej domyślnie (JST może go zmienić).")
    how_to_apply_on_paper: str = Field(min_length=10)
    keywords: list[str] = []
    form: FormDefinition
    # None: the platform's default rules. Added after the first versions were published (see fingerprint).
    attachments: AttachmentRules | None = None

    @field_validator("jrwa")
    @classmethod
    def _final_jrwa_class(cls, symbol: str, info: ValidationInfo) -> str:
        # A version already published is read as it was published (some named a group, e.g. "0");
        # every new version must name a final class, the only kind a case sign may carry.
        if (info.context or {}).get("published") or wykaz.final_class(symbol) is not None:
            return symbol
        known = ", ".join(sorted(wykaz.WYKAZ))
        raise PydanticCustomError(
            "jrwa_not_final",
            "Symbol JRWA „{symbol}” nie jest klasą końcową wykazu akt platformy (znane klasy: {known}).",
            {"symbol": symbol, "known": known},
        )

    @model_validator(mode="after")
    def _fee_rule_fits_form(self) -> ServiceDefinition:
        if self.fee is not None and self.fee_rule is not None:
            raise ValueError("Usługa ma albo opłatę stałą (fee), albo regułę opłaty (fee_rule), nie obie.")
        problems = fee_rule_problems(self.fee_rule, self.form) if self.fee_rule else []
        if problems:
            path, _, message = problems[0]
            raise ValueError(f"fee_rule.{path}: {message}")
        return self

    @property
    def rule(self) -> FeeRule | None:
        """The fee as a rule, whichever way the version describes it; None: no fee."""
        return self.fee_rule or (self.fee.as_rule() if self.fee else None)

    @property
    def attachment_rules(self) -> AttachmentRules:
        return self.attachments or DEFAULT_ATTACHMENT_RULES

    @property
    def jrwa_class(self) -> wykaz.JrwaClass | None:
        """The wykaz's class with its archival category; None only for a version published before the check."""
        return wykaz.final_class(self.jrwa)


def fee_rule_problems(rule: FeeRule, form: FormDefinition) -> list[tuple[str, str, str]]:
    """What in `rule` does not fit `form`, as (path in the rule, code, Polish message): a field the rule reads
    must be one of the form's (top-level) fields, a table's field a choice, and every option it names one of
    that field's options."""
    fields = {f.name: f for f in form.fields}
    problems: list[tuple[str, str, str]] = []

    def options(path: str, name: str, values: list[str]) -> None:
        found = fields.get(name)
        if found is None:
            problems.append((path, "unknown_field", f"Formularz nie ma pola „{name}”."))
        elif values and found.type is not FieldType.CHOICE:
            problems.append((path, "not_a_choice", f"Pole „{name}” nie jest polem wyboru."))
        else:
            known = {o.value for o in found.options}
            problems.extend((path, "unknown_option", f"Pole „{name}” nie ma opcji „{v}”.")
                            for v in values if v not in known)

    def when(path: str, rule_when: dict[str, str | bool | list[str]]) -> None:
        for name, expected in rule_when.items():
            wanted = [] if isinstance(expected, bool) else [expected] if isinstance(expected, str) else expected
            options(f"{path}.{name}", name, wanted)

    charges: list[tuple[str, Charge]] = [("", rule), *((f"surcharges[{i}].", s) for i, s in enumerate(rule.surcharges))]
    for prefix, charge in charges:
        if charge.times is not None and (found := fields.get(charge.times)) is None:
            problems.append((f"{prefix}times", "unknown_field", f"Formularz nie ma pola „{charge.times}”."))
        elif charge.times is not None and found is not None and found.type is not FieldType.NUMBER:
            problems.append((f"{prefix}times", "not_a_number", f"Pole „{charge.times}” nie jest polem liczbowym."))
        if charge.by is not None and charge.by not in fields:
            options(f"{prefix}by", charge.by, [])
        elif charge.by is not None:
            for option in charge.table:
                options(f"{prefix}table.{option}", charge.by, [option])
        for i, exemption in enumerate(charge.exemptions):
            when(f"{prefix}exemptions[{i}].when", exemption.when)
        if isinstance(charge, Surcharge):
            when(f"{prefix}when", charge.when)
    return problems
