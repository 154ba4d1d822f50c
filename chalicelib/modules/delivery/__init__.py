"""Delivery (doręczenia): the office's issued letters reach the party under today's law, with evidence.

An issued letter goes to the party's e-delivery address through the e-Delivery box (a public body's: delivered
on arrival), or on paper through the hybrid service (a print file, then the return receipt the clerk enters).
The box's statuses come by its callback and by a schedule that polls open deliveries; every evidence is stored
as it came and recorded on the case with its dates. The clocks: collected -> delivered that day; not collected ->
deemed delivered on D+15; a courtesy reminder on day 7; a decision's 14-day appeal term from the delivery date,
then final (ostateczna) unless an appeal is recorded. Nothing for other modules to call: it works through the
cases and letters modules' interfaces.
"""

from chalicelib.modules.delivery import wiring as _wiring  # noqa: F401  (its heavy parts load on first use)
