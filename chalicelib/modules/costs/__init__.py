"""Running costs: the metering table priced with dated AWS prices, per JST, platform module, catalogue service,
resource and month, for the region's and the JSTs' finance.

What other modules may use of it:
- `price_list(month)`: the AWS prices valid in a month (`PriceList.price(resource)`);
- `MeteredRow`, `CostLine`, `cost_lines(rows, prices)`, `sum_by(lines, field)`, `total(lines)`: the pure model;
- `metering_reader()`: a JST's metered rows of a month (one Query, never a Scan).
"""

from __future__ import annotations

from chalicelib.modules.costs.model import CostLine, MeteredRow, cost_lines, sum_by, total
from chalicelib.modules.costs.prices import NoPriceList, Price, PriceList, price_list
from chalicelib.modules.costs.repository import MeteringReader
from chalicelib.modules.costs.wiring import metering_reader

__all__ = ["CostLine", "MeteredRow", "MeteringReader", "NoPriceList", "Price", "PriceList", "cost_lines",
           "metering_reader", "price_list", "sum_by", "total"]
