"""Costs: what running the platform costs each JST, from the metering rows priced with AWS's public prices
(USD, eu-central-1) and converted to PLN at the rate the region's finance enters, with the region's shared
fixed costs split among the JSTs by the region's rule; each JST's monthly budget with its forecast and alerts,
and the fees received beside the running costs.

What other modules may use of it: `report.month_report` (pure) over `model.CostLine`s, with the region's
`settings.CostSettings`.
"""
