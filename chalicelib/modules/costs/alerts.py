"""Budgets set by finance and the alerts they raise: the rules over ports (the budgets' store, the month's cost,
the mailer). No Chalice, no boto3.

An alert is kept once per budget, month, threshold and kind (the store's conditional put on that key), so of two
runs at once, or a run repeated, exactly one claims it. Its mail is taken by a conditional update too (a lease of
`MAIL_LEASE`): of runs at once one sends it; a mail that failed, or whose run died, is sent by a run after the
lease (so a run killed between the mail and its mark may send it twice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.integrations.mail import Mail
from chalicelib.modules.costs import budgets
from chalicelib.modules.costs.budget_models import Alert, Budget, BudgetIn
from chalicelib.modules.costs.budgets import TOTAL, CostSource, Crossing, MonthCost

MAIL_LEASE = timedelta(minutes=10)
KIND_WORDS = {"actual": "koszt od początku miesiąca", "forecast": "prognoza kosztu na cały miesiąc"}


class BudgetStore(Protocol):
    def budget(self, terc: str) -> Budget | None: ...
    def save(self, budget: Budget, read_version: int, change: Any) -> bool: ...
    def claim(self, alert: Alert) -> bool: ...
    def take_mail(self, alert: Alert, now: datetime, lease: timedelta) -> bool: ...
    def mailed(self, alert: Alert, at: datetime) -> None: ...
    def alerts(self, terc: str, month: str) -> list[Alert]: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


class BudgetChanged(Conflict):
    code = "version_conflict"
    message = "Budżet zmieniono w międzyczasie. Odśwież stronę i spróbuj ponownie."


def checked(change: BudgetIn, services: Iterable[str]) -> BudgetIn:
    """422 at `services.<id>` for a service the catalogue does not have or a budget above the JST's whole."""
    known, details = set(services), []
    for service, amount in change.services.items():
        if service not in known:
            details.append({"field": f"services.{service}", "code": "unknown_service",
                            "message": f"Katalog nie ma usługi „{service}”."})
        elif amount <= 0 or amount > change.amount:
            details.append({"field": f"services.{service}", "code": "service_budget_invalid",
                            "message": "Budżet usługi musi być większy od zera i nie większy niż budżet JST."})
    if details:
        raise Unprocessable(details=details)
    return change


def new_budget(terc: str, change: BudgetIn, *, was: Budget | None, actor: str, now: datetime) -> Budget:
    return Budget(terc=terc, amount=change.amount, services=dict(change.services), email=change.email,
                  version=(was.version + 1) if was else 1, updated_at=now, updated_by=actor)


def save(store: BudgetStore, budget: Budget, was: Budget | None, change: Any) -> Budget:
    if not store.save(budget, was.version if was else 0, change):
        raise BudgetChanged()
    return budget


def zl(grosze: int) -> str:
    sign, value = ("-" if grosze < 0 else ""), abs(grosze)
    whole = f"{value // 100:,}".replace(",", "\u00a0")
    return f"{sign}{whole},{value % 100:02d}\u00a0zł"


def scope_words(scope: str) -> str:
    return "budżet jednostki" if scope == TOTAL else f"budżet usługi „{scope}”"


def alert_of(terc: str, month: str, found: Crossing, *, email: str, now: datetime) -> Alert:
    message = (f"Osiągnięto {found.threshold}% ({KIND_WORDS[found.kind]}): {zl(found.value)} przy "
               f"{scope_words(found.scope)} {zl(found.budget)} w miesiącu {month}.")
    return Alert(terc=terc, month=month, scope=found.scope, threshold=found.threshold, kind=found.kind,
                 budget=found.budget, value=found.value, at=now, email=email, message=message)


def notice(alert: Alert, tenant_name: str) -> Mail:
    subject = f"e-Urząd: {alert.threshold}% budżetu kosztów ({tenant_name}, {alert.month})"
    text = (f"Dzień dobry,\n\n{alert.message}\n\nJednostka: {tenant_name} (TERC {alert.terc}).\n"
            f"Szczegóły, prognoza i wykres: strona „Budżet i alerty” w e-Urzędzie (budzet.html).\n\n"
            f"Wiadomość wysłana automatycznie; każdy próg wysyłamy raz w miesiącu.\n")
    return Mail(to=alert.email, subject=subject, text=text)


def evaluate(store: BudgetStore, costs: CostSource, mailer: Mailer, *, terc: str, tenant_name: str,
             contact: str, now: datetime, today: date) -> list[Alert]:
    """The JST's budget against this month's cost so far: every threshold newly reached is claimed and mailed,
    and every claimed alert still unmailed is mailed again. The alerts claimed by this run."""
    budget = store.budget(terc)
    if budget is None:
        return []
    month = today.strftime("%Y-%m")
    cost = costs.month_to_date(terc, month)
    email = budget.email or contact
    claimed = [a for a in (alert_of(terc, month, c, email=email, now=now)
                           for c in budgets.crossings(budget.amount, budget.services, cost, month, today))
               if store.claim(a)]
    for alert in [a for a in store.alerts(terc, month) if a.mailed_at is None]:
        if store.take_mail(alert, now, MAIL_LEASE):
            mailer.send(notice(alert, tenant_name))
            store.mailed(alert, now)
    return claimed


def _percent(value: Decimal, budget: int) -> int:
    return int(value / budgets.GROSZ * 100 // budget) if budget else 0


def _days(cost: MonthCost, month: str, today: date) -> list[dict[str, Any]]:
    """Each day so far with its cost (the fixed share spread evenly over the month's days) and the running sum."""
    first, shown, running = date.fromisoformat(f"{month}-01"), [], Decimal(0)
    fixed_a_day = cost.fixed / budgets.days_in(month)
    for n in range(budgets.days_elapsed(month, today)):
        day = first + timedelta(days=n)
        spent = cost.by_day.get(day.isoformat(), Decimal(0)) + fixed_a_day
        running += spent
        shown.append({"day": day, "cost": budgets.grosze(spent), "cumulative": budgets.grosze(running)})
    return shown


def view(terc: str, month: str, budget: Budget | None, cost: MonthCost, *, today: date,
         alerts: Sequence[Alert]) -> dict[str, Any]:
    """The month so far beside the budget (the JST's and each service's), the forecast and how it is made."""
    whole = budgets.forecast(cost.metered, month, today, fixed=cost.fixed)
    rows = [{"scope": scope, "budget": amount, "actual": budgets.grosze(f.actual),
             "forecast": budgets.grosze(f.forecast), "actual_percent": _percent(f.actual, amount),
             "forecast_percent": _percent(f.forecast, amount)}
            for scope, amount, f in (budgets.scoped(budget.amount, budget.services, cost, month, today)
                                     if budget else [])]
    return {"terc": terc, "month": month, "budget": budget, "as_of": today, "days_elapsed": whole.days_elapsed,
            "days_in_month": whole.days_in_month, "method": whole.method, "actual": budgets.grosze(whole.actual),
            "forecast": budgets.grosze(whole.forecast), "scopes": rows, "days": _days(cost, month, today),
            "alerts": sorted(alerts, key=lambda a: (a.at, a.scope, a.threshold, a.kind))}
