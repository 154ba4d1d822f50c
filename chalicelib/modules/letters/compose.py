"""A letter composed from its template (`templates/<kind>/v<N>.toml`, data), the case and the clerk's text.

No Chalice, no boto3. The clerk's values are checked against the template's fields (all refusals at once, per
field: `fields.<name>`), the parts filled in order, and the parts the law requires (art. 107 § 1 KPA for a
decision, art. 217 for a certificate, art. 64 § 2 for a summons, art. 36 for the notice) checked on the letter
as composed: a missing one is a 422 that names its article.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.core.errors import Unprocessable
from chalicelib.documents.letter import Letter, Office, Part, Party

TEMPLATES = Path(__file__).resolve().parent / "templates"
KINDS = ("decyzja", "zaswiadczenie", "pismo", "wezwanie", "zawiadomienie")
TEXT_MAX, LINES_MAX, LINE_MAX = 10_000, 50, 1_000
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.toml$")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str  # text, lines, days, date, choice, flag
    required: bool = False
    choices: Mapping[str, str] | None = None
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Rule:
    what: str  # part:<name>, organ, data, strona, podpis
    message: str
    field: str | None = None
    unless: str | None = None


@dataclass(frozen=True)
class Template:
    kind: str
    version: int
    name: str
    title: str
    file_kind: str
    fields: Mapping[str, Field]
    parts: tuple[Mapping[str, str], ...]
    required: tuple[Rule, ...]

    @property
    def ref(self) -> str:
        return f"{self.kind}/v{self.version}"


@dataclass(frozen=True)
class CaseFacts:
    """What a letter takes from the case and the JST."""

    terc: str
    case_id: str
    case_sign: str
    service_name: str
    started_on: date | None
    due_date: date | None
    party: Party
    office: Office


@dataclass(frozen=True)
class Signer:
    name: str
    position: str


def load(path: Path) -> Template:
    data = tomllib.loads(path.read_text("utf-8"))
    fields = {name: Field(name=name, **spec) for name, spec in data.get("fields", {}).items()}
    return Template(kind=data["kind"], version=data["version"], name=data["name"], title=data["title"],
                    file_kind=data["file_kind"], fields=fields, parts=tuple(data["parts"]),
                    required=tuple(Rule(**rule) for rule in data.get("required", [])))


@lru_cache(maxsize=1)
def templates() -> dict[str, Template]:
    """The newest version of each kind's template."""
    newest: dict[str, Template] = {}
    for kind in KINDS:
        versions = sorted((int(m.group(1)), p) for p in (TEMPLATES / kind).iterdir()
                          if (m := _VERSION_FILE.match(p.name)))
        newest[kind] = load(versions[-1][1])
    return newest


@lru_cache(maxsize=1)
def appeal_bodies() -> dict[str, dict[str, str]]:
    return tomllib.loads((TEMPLATES / "appeal_bodies.toml").read_text("utf-8"))


def higher_body(route: str, terc: str) -> str | None:
    """The body above the JST for `route` (`sko`: its own tasks, `wojewoda`: tasks the State delegated)."""
    known = appeal_bodies().get(route, {})
    prefix = max((p for p in known if terc.startswith(p)), key=len, default=None)
    return known[prefix] if prefix else None


def compose(template: Template, facts: CaseFacts, values: Mapping[str, Any], signer: Signer, *, letter_id: str,
            today: date) -> Letter:
    """The letter, or 422 with every problem of the clerk's values and every part the law requires that is
    missing, each at its field."""
    filled, details = _values(template, facts, values, today)
    context = {**_case_context(facts, today), **filled}
    parts = tuple(_part(spec, context) for spec in template.parts if not spec.get("when") or filled.get(spec["when"]))
    letter = Letter(letter_id=letter_id, kind=template.kind, version=template.version, title=template.title,
                    office=facts.office, party=facts.party, case_sign=facts.case_sign, place=facts.office.city,
                    issued_on=today, parts=tuple(p for p in parts if p.paragraphs),
                    signer_name=signer.name.strip(), signer_position=signer.position.strip())
    named = {d["field"] for d in details}
    missing = [d for d in missing_parts(template, letter, values) if d["field"] not in named]
    if details or missing:
        code = "letter_invalid" if details else "required_parts_missing"
        raise Unprocessable("Pismo nie spełnia wymagań szablonu lub nie zawiera części wymaganych przez prawo.",
                            code=code, details=details + missing)
    return letter


def missing_parts(template: Template, letter: Letter, values: Mapping[str, Any]) -> list[dict[str, str]]:
    """The parts the template's law requires that `letter` lacks, each with its article."""
    present = {"organ": bool(letter.office.name.strip()), "data": letter.issued_on is not None,
               "strona": bool(letter.party.name.strip()),
               "podpis": bool(letter.signer_name and letter.signer_position)}
    present |= {f"part:{p.name}": True for p in letter.parts}
    details = []
    for rule in template.required:
        if present.get(rule.what) or (rule.unless and values.get(rule.unless) is True):
            continue
        # a clerk's field, the signer's (`signer_position`), or what the case and JST give (`strona`, `organ`)
        field = f"fields.{rule.field}" if rule.field and rule.field in template.fields else rule.field or rule.what
        details.append({"field": field, "code": "required_part_missing", "message": rule.message})
    return details


def _values(template: Template, facts: CaseFacts, values: Mapping[str, Any],
            today: date) -> tuple[dict[str, str], list[dict[str, str]]]:
    filled: dict[str, str] = {}
    details = [{"field": f"fields.{name}", "code": "unknown_field",
                "message": f"Szablon „{template.name}” nie ma pola „{name}”."}
               for name in values if name not in template.fields]
    for name, field in template.fields.items():
        value = values.get(name)
        if value is None or value in ("", []):
            if field.required:
                details.append({"field": f"fields.{name}", "code": "required",
                                "message": f"Pole „{field.label}” jest wymagane."})
            filled[name] = ""
            continue
        text, problem = _value(field, value, facts, today)
        if problem:
            details.append({"field": f"fields.{name}", "code": problem[0], "message": problem[1]})
        filled[name] = text
    return filled, details


Checked = tuple[str, tuple[str, str] | None]  # the value as the letter shows it, or (code, message)


def _value(field: Field, value: Any, facts: CaseFacts, today: date) -> Checked:
    if field.type == "date":
        return _date(field, value, today)
    if field.type == "choice":
        return _choice(field, value, facts)
    return _SIMPLE[field.type](field, value)


def _text(field: Field, value: Any) -> Checked:
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        return "", ("invalid", f"„{field.label}”: tekst do {TEXT_MAX} znaków.")
    return value.strip(), None


def _lines(field: Field, value: Any) -> Checked:
    if (not isinstance(value, list) or len(value) > LINES_MAX
            or any(not isinstance(v, str) or not v.strip() or len(v) > LINE_MAX for v in value)):
        return "", ("invalid", f"„{field.label}”: od 1 do {LINES_MAX} niepustych pozycji, każda do {LINE_MAX} znaków.")
    return "\n".join(f"{i}) {line.strip()}" for i, line in enumerate(value, 1)), None


def _days(field: Field, value: Any) -> Checked:
    low, high = field.min or 1, field.max or 365
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return "", ("term_invalid", f"„{field.label}”: liczba dni od {low} do {high}.")
    return str(value), None


def _flag(field: Field, value: Any) -> Checked:
    if not isinstance(value, bool):
        return "", ("invalid", f"„{field.label}”: tak albo nie.")
    return "tak" if value else "", None


_SIMPLE = {"text": _text, "lines": _lines, "days": _days, "flag": _flag}


def _date(field: Field, value: Any, today: date) -> Checked:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return "", ("invalid", f"„{field.label}”: data w postaci RRRR-MM-DD.")
    if day <= today:
        return "", ("date_not_future", f"„{field.label}”: data musi być późniejsza niż dzisiejsza.")
    return f"{day:%d.%m.%Y}", None


def _choice(field: Field, value: Any, facts: CaseFacts) -> Checked:
    choices = field.choices or {}
    if not isinstance(value, str) or value not in choices:
        return "", ("invalid", f"„{field.label}”: jedna z wartości: {', '.join(choices)}.")
    shown = choices[value]
    if shown.startswith("@"):
        body = higher_body(shown[1:], facts.terc)
        if body is None:
            return "", ("appeal_body_unknown", f"„{field.label}”: szablony nie znają tego organu dla jednostki "
                                               f"{facts.terc} (templates/appeal_bodies.toml).")
        return body, None
    return shown, None


def _case_context(facts: CaseFacts, today: date) -> dict[str, str]:
    def day(value: date | None) -> str:
        return f"{value:%d.%m.%Y}" if value else "—"

    return {"znak_sprawy": facts.case_sign, "usluga": facts.service_name, "data_wszczecia": day(facts.started_on),
            "termin_zalatwienia": day(facts.due_date), "strona": facts.party.name, "organ": facts.office.name,
            "data": day(today)}


def _part(spec: Mapping[str, str], context: Mapping[str, str]) -> Part:
    text = spec["text"].format_map(context)  # values are inserted, never read as placeholders themselves
    paragraphs = tuple(line.strip() for line in text.splitlines() if line.strip())
    return Part(name=spec["name"], heading=spec.get("heading"), paragraphs=paragraphs)
