"""What a party owes for a submission: the fee settled when it is filed (opłata skarbowa and the like).

Shared model: submissions compute it, the registration carries it, cases and payments read it. Amounts are in
grosze (integers): the gateways speak grosze, and no float ever touches money.

A fee is a RULE of the service (and the JST may set its own): a fixed amount, or a table by the option chosen in
one of the form's choice fields, with exemptions (each a condition on the form's values, its reason and legal
basis), plus surcharges that apply on a condition (e.g. the stamp duty on a power of attorney, 17 zł, unless it
was given to a close family member). `compute(rule, values)` gives the `FeeDue` of one filled form.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Złoty as written in the catalogue ("17.00"): Decimal, two places at most; converted to grosze exactly.
Zl = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
# field -> the value it must have: an option (str), any of several options (list), a checkbox or a file given (bool)
When = dict[FieldName, str | bool | list[str]]


class FeeDue(BaseModel):
    """The fee one submission owes, as computed at filing (0 with `exemption` set: exempt, nothing to pay)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: int = Field(ge=0, description="Kwota w groszach.")
    currency: str = Field(default="PLN", pattern=r"^PLN$")
    title: str = Field(min_length=3, description="Tytuł opłaty, np. opłata skarbowa za wydanie zaświadczenia.")
    legal_basis: str | None = None
    option: str | None = None  # the form's choice that set the amount (a table by option), if any
    exemption: str | None = None  # why nothing is owed, when an exemption applied

    @property
    def payable(self) -> bool:
        return self.amount > 0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Exemption(_Strict):
    """No fee (for the charge it belongs to) when every condition holds, e.g. a certificate for KRUS."""

    when: When = Field(min_length=1, description="Pole formularza → wartość, przy której opłata nie przysługuje.")
    reason: str = Field(min_length=3, description="Dlaczego zwolnione, np. zaświadczenie w sprawie KRUS.")
    legal_basis: str = Field(min_length=3, description="Przepis zwalniający, np. art. 2 ust. 1 pkt 1 lit. c.")


class Charge(_Strict):
    """One amount: fixed (`amount`), or by the option chosen in the choice field `by` (`table`: option → zł)."""

    title: str = Field(min_length=3, description="Tytuł opłaty, np. opłata skarbowa od wydania zaświadczenia.")
    legal_basis: str | None = None
    amount: Zl | None = None
    by: FieldName | None = Field(default=None, description="Pole wyboru, którego opcja ustala kwotę.")
    table: dict[str, Zl] = Field(default_factory=dict, description="Opcja pola `by` → kwota w zł.")
    times: FieldName | None = Field(default=None, description="Pole liczbowe mnożące kwotę, np. liczba egzemplarzy.")
    exemptions: list[Exemption] = []

    @model_validator(mode="after")
    def _one_way(self) -> Charge:
        if (self.amount is None) == (self.by is None):
            raise ValueError("Opłata ma albo stałą kwotę (amount), albo tabelę według pola wyboru (by + table).")
        if self.by is not None and not self.table:
            raise ValueError("Tabela opłat (table) nie może być pusta.")
        if self.by is None and self.table:
            raise ValueError("Tabela opłat (table) wymaga pola wyboru (by).")
        return self


class Surcharge(Charge):
    """A charge added when its condition holds, e.g. a power of attorney attached (+17 zł unless family)."""

    when: When = Field(min_length=1)


class FeeRule(Charge):
    """A service's fee: the main charge, its exemptions, the surcharges, and notes shown as they are."""

    surcharges: list[Surcharge] = []
    notes: list[str] = Field(default_factory=list, description="Informacje dodatkowe (tekst).")

    def fields(self) -> set[str]:
        """Every form field the rule reads."""
        names: set[str] = set()
        for charge in (self, *self.surcharges):
            names |= {n for n in (charge.by, charge.times) if n}
            names |= {n for e in charge.exemptions for n in e.when}
            names |= set(charge.when) if isinstance(charge, Surcharge) else set()
        return names


class FeeOptionError(ValueError):
    """The form's values do not settle the amount: the option the table needs is missing or not in it."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field, self.code = field, code
        super().__init__(message)


def grosze(zl: Decimal) -> int:
    """Złoty to grosze, exactly; a fraction of a grosz is an error, never rounded away."""
    value = zl * 100
    if value != value.to_integral_value():
        raise ValueError(f"Kwota {zl} zł nie jest pełną liczbą groszy.")
    return int(value)


def holds(when: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Every condition holds: an option equal (or among a list), a checkbox ticked or a file given (True), or
    left unticked / not given (False)."""
    for name, expected in when.items():
        value = values.get(name)
        if isinstance(expected, bool):
            if bool(value) is not expected:
                return False
        elif isinstance(expected, list):
            if value not in expected:
                return False
        elif value != expected:
            return False
    return True


def _amount(charge: Charge, values: Mapping[str, Any]) -> tuple[Decimal, str | None]:
    if charge.by is None:
        assert charge.amount is not None  # one way or the other (validated)
        return charge.amount, None
    option = values.get(charge.by)
    if option in (None, ""):
        raise FeeOptionError(charge.by, "fee_option_missing",
                             f"Wysokość opłaty zależy od pola „{charge.by}”: wybierz jedną z opcji.")
    if not isinstance(option, str) or option not in charge.table:
        raise FeeOptionError(charge.by, "fee_option_unknown",
                             f"Opcja „{option}” pola „{charge.by}” nie ma ustalonej opłaty.")
    return charge.table[option], option


MAX_TIMES = 1000


def _times(charge: Charge, values: Mapping[str, Any]) -> int:
    """How many times the amount is due (e.g. copies of a certificate): a whole number from 1 up."""
    if charge.times is None:
        return 1
    raw = values.get(charge.times)
    count = None
    if isinstance(raw, int | float | str | Decimal) and not isinstance(raw, bool):
        try:
            count = Decimal(str(raw))
        except ArithmeticError:  # not a number at all
            count = None
    if count is None or not count.is_finite() or count != count.to_integral_value() or not 1 <= count <= MAX_TIMES:
        raise FeeOptionError(charge.times, "fee_count_invalid",
                             f"Wysokość opłaty zależy od pola „{charge.times}”: podaj liczbę całkowitą od 1.")
    return int(count)


def _exempt(charge: Charge, values: Mapping[str, Any]) -> Exemption | None:
    return next((e for e in charge.exemptions if holds(e.when, values)), None)


def compute(rule: FeeRule, values: Mapping[str, Any]) -> FeeDue:
    """The fee a form filled with `values` owes under `rule`: the main charge (unless exempt) plus every
    surcharge whose condition holds (unless exempt). `exemption` names each exemption applied."""
    main, option = _amount(rule, values)
    total = Decimal(0)
    titles: list[str] = []
    bases: list[str] = []
    reasons: list[str] = []
    applied: list[Charge] = [rule, *(s for s in rule.surcharges if holds(s.when, values))]
    for charge in applied:
        amount = (main if charge is rule else _amount(charge, values)[0]) * _times(charge, values)
        exemption = _exempt(charge, values)
        if exemption is not None:
            reasons.append(f"{exemption.reason} ({exemption.legal_basis})")
            continue
        total += amount
        if amount or charge is rule:
            titles.append(charge.title)
            bases += [charge.legal_basis] if charge.legal_basis and charge.legal_basis not in bases else []
    if not titles:  # all exempt: the title still says what would have been owed, and under which law
        titles.append(rule.title)
        bases += [rule.legal_basis] if rule.legal_basis else []
    return FeeDue(amount=grosze(total), title=" oraz ".join(titles), legal_basis="; ".join(bases) or None,
                  option=option, exemption="; ".join(reasons) or None)
