"""A service's fee as a JST offers it: the rule in effect, the rule in words, and a quote for a filled form.

No Chalice, no boto3. The rule in effect is the JST's own (`fee_rule`), else the catalogue's with the JST's fixed
amount (`fee`) in place of the catalogue's, else the catalogue's (the first versions' fixed `Fee` read as a rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chalicelib.core.errors import Unprocessable
from chalicelib.model.fees import Charge, FeeDue, FeeOptionError, FeeRule, compute
from chalicelib.model.service import FieldType, FormDefinition, FormField, ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.catalogue.models import FeeQuote

JST_TITLE = "Opłata ustalona przez jednostkę"


def rule_for(defn: ServiceDefinition, tenant: TenantConfig | None) -> FeeRule | None:
    setting = tenant.setting(defn.id) if tenant is not None else None
    if setting is not None and setting.fee_rule is not None:
        return setting.fee_rule
    base = defn.rule
    if setting is None or setting.fee is None:
        return base
    if base is None:
        return FeeRule(title=JST_TITLE, amount=setting.fee)
    # a fixed amount replaces the catalogue's (a table too); the exemptions and surcharges stay
    return base.model_copy(update={"amount": setting.fee, "by": None, "table": {}})


def zl(amount: Decimal | int) -> str:
    """Polish money: 17,00 zł, 2 100,00 zł (an int is grosze)."""
    value = Decimal(amount) / 100 if isinstance(amount, int) else amount
    whole, _, fraction = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{fraction} zł"


def _label(form: FormDefinition, name: str) -> str:
    found = next((f for f in form.fields if f.name == name), None)
    return found.label if found else name


def _option(field: FormField | None, value: str) -> str:
    if field is None:
        return value
    return next((o.label for o in field.options if o.value == value), value)


def _condition(form: FormDefinition, when: Mapping[str, str | bool | list[str]]) -> str:
    parts = []
    for name, expected in when.items():
        field = next((f for f in form.fields if f.name == name), None)
        label = _label(form, name)
        if isinstance(expected, bool):
            parts.append(f"„{label}”" if expected else f"bez „{label}”")
        else:
            options = [expected] if isinstance(expected, str) else expected
            parts.append(f"„{label}”: " + " lub ".join(_option(field, v) for v in options))
    return ", ".join(parts)


def _amounts(form: FormDefinition, charge: Charge) -> str:
    times = f" za każdą jednostkę pola „{_label(form, charge.times)}”" if charge.times else ""
    if charge.by is None:
        assert charge.amount is not None
        return zl(charge.amount) + times
    field = next((f for f in form.fields if f.name == charge.by), None)
    table = "; ".join(f"{_option(field, option)}: {zl(amount)}" for option, amount in charge.table.items())
    return f"zależnie od pola „{_label(form, charge.by)}” ({table}){times}"


def _basis(charge: Charge) -> str:
    return f" ({charge.legal_basis})" if charge.legal_basis else ""


def describe(rule: FeeRule | None, form: FormDefinition) -> list[str]:
    """The rule in words, one line per charge, exemption and note (the service page shows them)."""
    if rule is None:
        return ["Bez opłaty."]
    lines = [f"{_amounts(form, rule)} — {rule.title}{_basis(rule)}."]
    lines += [f"Zwolnione z opłaty: {e.reason} ({e.legal_basis}) — gdy {_condition(form, e.when)}."
              for e in rule.exemptions]
    for surcharge in rule.surcharges:
        lines.append(f"Dodatkowo {_amounts(form, surcharge)} — {surcharge.title}{_basis(surcharge)} — "
                     f"gdy {_condition(form, surcharge.when)}.")
        lines += [f"Zwolnione z tej opłaty: {e.reason} ({e.legal_basis}) — gdy {_condition(form, e.when)}."
                  for e in surcharge.exemptions]
    return lines + rule.notes


def summary(due: FeeDue | None) -> str:
    """What the resident reads next to the form: the amount and its title, or the exemption, or no fee."""
    if due is None:
        return "Usługa jest bezpłatna."
    if not due.payable and due.exemption:
        return f"Zwolnione z opłaty: {due.exemption}."
    text = f"Opłata: {zl(due.amount)} — {due.title}."
    return text + (f" Zwolnienie: {due.exemption}." if due.exemption else "")


def visible(form: FormDefinition, data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values a rule may read: its top-level fields, those hidden by `visible_when` left out (as the
    submission drops them)."""
    shown = {}
    for f in form.fields:
        if f.name in data and all(data.get(k) == v for k, v in (f.visible_when or {}).items()):
            shown[f.name] = data[f.name]
    return shown


def due_for(rule: FeeRule | None, form: FormDefinition, values: Mapping[str, Any]) -> FeeDue | None:
    """The fee a form filled with `values` owes; a choice the rule reads that is not one of the field's options,
    or a table's option not chosen, is a 422 on that field (`data.<field>`)."""
    if rule is None:
        return None
    fields = {f.name: f for f in form.fields}
    details = []
    for name in sorted(rule.fields()):
        field, value = fields.get(name), values.get(name)
        if (field is not None and field.type is FieldType.CHOICE and value not in (None, "")
                and (not isinstance(value, str) or value not in {o.value for o in field.options})):
            details.append({"field": f"data.{name}", "code": "invalid_option",
                            "message": f"Wybierz jedną z opcji pola „{field.label}”."})
    if details:
        raise Unprocessable("Nie można obliczyć opłaty.", code="fee_not_computable", details=details)
    try:
        return compute(rule, values)
    except FeeOptionError as exc:
        label = _label(form, exc.field)
        message = {"fee_option_missing": f"Wysokość opłaty zależy od pola „{label}”: wybierz jedną z opcji.",
                   "fee_count_invalid": f"Wysokość opłaty zależy od pola „{label}”: podaj liczbę całkowitą od 1.",
                   }.get(exc.code, f"Dla tej opcji pola „{label}” nie ustalono opłaty.")
        raise Unprocessable("Nie można obliczyć opłaty.", code="fee_not_computable",
                            details=[{"field": f"data.{exc.field}", "code": exc.code, "message": message}]) from None


def quote(defn: ServiceDefinition, tenant: TenantConfig, data: Mapping[str, Any]) -> FeeQuote:
    """The fee of a form (filled so far) as `tenant` charges it: what the form page shows before submitting."""
    due = due_for(rule_for(defn, tenant), defn.form, visible(defn.form, data))
    return FeeQuote(service=defn.id, version=defn.version, tenant=tenant.terc, fee=due,
                    online=tenant.payments is not None, summary=summary(due))
