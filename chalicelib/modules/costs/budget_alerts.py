"""The budgets' schedule: every hour each JST's budget is evaluated against its month so far (thresholds 80 and
100 % of the actual cost and of the forecast), each newly reached threshold kept once and mailed to the JST's
finance contact. Its handler hangs on the module's workers blueprint (`workers.bp`), which imports this file."""

from __future__ import annotations

from typing import Any

from chalice.app import Rate

from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.integrations.clients import mailer
from chalicelib.modules import tenants
from chalicelib.modules.costs.budget_wiring import alerts, budgets_store, month_costs
from chalicelib.modules.costs.workers import bp


def evaluate_all() -> int:
    """Every JST's budget evaluated now; how many alerts were raised. One JST's failure does not stop the rest."""
    now, raised, failed = get_clock().now(), 0, []
    costs = month_costs()  # every JST's partition read once for the run
    for config in tenants.configs():
        bind(tenant=config.terc, service=None)
        try:
            found = alerts.evaluate(budgets_store(), costs, mailer(), terc=config.terc,
                                    tenant_name=config.name, contact=config.contact.email, now=now,
                                    today=now.astimezone(WARSAW).date())
        except Exception:
            logger.exception("budget alerts failed for this JST")
            failed.append(config.terc)
            continue
        if found:
            logger.info("budget alerts raised", extra={"alerts": [a.scope + "#" + str(a.threshold) + "#" + a.kind
                                                                  for a in found]})
        raised += len(found)
    if failed:
        raise RuntimeError(f"budget alerts failed for {', '.join(failed)}")
    return raised


@bp.schedule(Rate(1, unit=Rate.HOURS))
def budget_alerts(event: Any) -> None:
    evaluate_all()
