"""The budgets' API for finance: a JST's monthly budget (set and read, with the month so far, the forecast and
the alerts) and the fees received beside the running costs. Regional finance acts for any JST, a JST's finance for
its own.

Its views hang on the module's blueprint (`routes.bp`), which imports this file.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.errors import Forbidden, Unprocessable
from chalicelib.core.http import endpoint, json_response, parse_body, require_principal
from chalicelib.modules import audit, catalogue, tenants
from chalicelib.modules.costs.budget_wiring import (
    alerts,
    budget_models,
    budgets,
    budgets_store,
    fees_vs_costs,
    month_costs,
)
from chalicelib.modules.costs.routes import bp

FINANCE = Access.of(Role.FINANCE, tenant_param="terc")
ANY_FINANCE = Access.of(Role.FINANCE)
TERC = re.compile(r"^[0-9]{2}(?:[0-9]{2}(?:[0-9]{3})?)?$")


def _query() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _today() -> Any:
    return get_clock().now().astimezone(WARSAW).date()


@endpoint(bp, "/v1/finance/budgets/{terc}", access=FINANCE, methods=("PUT",),
          summary="Ustawienie miesięcznego budżetu kosztów JST (razem i dla usług)",
          request="modules.costs.budget_models:BudgetIn", response="modules.costs.budget_models:BudgetSaved")
def set_budget(terc: str) -> Any:
    change = parse_body(bp.current_request.raw_body, budget_models.BudgetIn)
    tenants.config(terc)  # an unknown JST is 404
    alerts.checked(change, catalogue.definitions().ids())
    principal, now = require_principal(), get_clock().now()
    store = budgets_store()
    was = store.budget(terc)
    budget = alerts.new_budget(terc, change, was=was, actor=principal.subject, now=now)
    entry = audit.Change(action="budget.set", actor=audit.Actor(principal.subject, principal.name),
                         at=audit.stamp(now), details={"amount": budget.amount, "services": budget.services,
                                                       "email": budget.email, "version": budget.version})
    saved = alerts.save(store, budget, was, entry)
    return json_response(budget_models.BudgetSaved(budget=saved))


@endpoint(bp, "/v1/finance/budgets/{terc}", access=FINANCE,
          summary="Budżet JST: koszt miesiąca dotąd, prognoza, progi 80/100% i alerty",
          params="modules.costs.budget_models:BudgetQuery", response="modules.costs.budget_models:BudgetView")
def get_budget(terc: str) -> Any:
    today = _today()
    month = budgets.parse_month(_query().get("month"), today=today)
    tenants.config(terc)
    cost = month_costs(terc).month_to_date(terc, month)
    store = budgets_store()
    found = alerts.view(terc, month, store.budget(terc), cost, today=today,
                         alerts=store.alerts(terc, month))
    return json_response(budget_models.BudgetView.model_validate(found))


def _tenants_shown(asked: str | None) -> list[Any]:
    """Regional finance: the JST asked for, or every JST; a JST's finance: its own only (403 for another)."""
    principal = require_principal()
    if asked is not None and not TERC.fullmatch(asked):
        raise Unprocessable(details=[{"field": "tenant", "code": "tenant_invalid",
                                      "message": "Podaj kod TERC jednostki: 2, 4 albo 7 cyfr."}])
    if principal.terc is not None and asked not in (None, principal.terc):
        raise Forbidden("Brak uprawnień do danych innej jednostki samorządu.", code="tenant_forbidden")
    terc = principal.terc or asked
    if terc is not None:
        return [tenants.config(terc)]
    return sorted(tenants.configs(), key=lambda c: c.terc)


@endpoint(bp, "/v1/finance/fees-vs-costs", access=ANY_FINANCE,
          summary="Opłaty wpłacone a koszty działania: JST i usługi w miesiącu",
          params="modules.costs.budget_models:FeesQuery", response="modules.costs.budget_models:FeesVsCosts")
def fees_against_costs() -> Any:
    query = _query()
    today = _today()
    month = budgets.parse_month(query.get("month"), today=today)
    chosen = _tenants_shown(query.get("tenant"))
    costs = month_costs(chosen[0].terc if len(chosen) == 1 else None, all_paid=True)
    paid = costs.inputs(month).paid  # each JST's payments read once: its fees here, its commission in the cost
    shown = [fees_vs_costs.of_tenant(c.terc, c.name, fees_vs_costs.month_fees(paid.get(c.terc, {})),
                                     costs.month_to_date(c.terc, month), month=month, today=today)
             for c in chosen]
    return json_response(budget_models.FeesVsCosts.model_validate(fees_vs_costs.of_month(month, shown)))
