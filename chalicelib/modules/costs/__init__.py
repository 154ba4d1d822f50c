"""Running costs: the metering table priced with dated AWS prices, per JST, platform module, catalogue service,
resource and month, for the region's and the JSTs' finance; each JST's monthly budget with its forecast and
alerts, and the fees received beside the running costs.
"""

from __future__ import annotations
