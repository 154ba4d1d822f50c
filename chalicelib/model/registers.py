"""Which public registers a JST keeps, and its road-lane rates: the JST's `registers` setting.

Shared model (the tenant configuration holds it; the registers module reads it). The road-lane rates are the
JST's own, set by its council's resolution (uchwała organu stanowiącego, art. 40 ust. 8 ustawy z dnia 21 marca
1985 r. o drogach publicznych); the statute caps them (art. 40 ust. 8, checked against the text quoted in
supervisory rulings of voivodes of 2022): 10 zł per m² per day for works and for other occupation (ust. 4 and 6),
200 zł per m² per year for utility devices (ust. 5); for telecommunications 0,20 zł per day and 20 zł per year.
The rates may differ by the element of the lane and the share of the carriageway's width occupied (ust. 9 pkt 2
and 3), hence one rate per element below.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.model.fees import Zl
from chalicelib.model.service import DeptSymbol

DAILY_CAP = Decimal("10.00")  # art. 40 ust. 8: ust. 4 and 6, zł per m² per day
ANNUAL_CAP = Decimal("200.00")  # art. 40 ust. 8: ust. 5, zł per m² per year (utility devices)
ROAD_ACT = "ustawy z dnia 21 marca 1985 r. o drogach publicznych"


class RegisterKind(str, Enum):
    ALKOHOL = "zezwolenia-alkoholowe"  # art. 18 ustawy o wychowaniu w trzeźwości i przeciwdziałaniu alkoholizmowi
    PAS_DROGOWY = "zajecie-pasa-drogowego"  # art. 40 ustawy o drogach publicznych
    ZABYTKI = "ewidencja-zabytkow"  # art. 22 ust. 4 ustawy o ochronie zabytków i opiece nad zabytkami


class RoadElement(str, Enum):
    """An element of the road lane, each with its own rate (art. 40 ust. 9 pkt 2 and 3)."""

    JEZDNIA_DO_20 = "jezdnia-do-20"  # up to 20% of the carriageway's width
    JEZDNIA_DO_50 = "jezdnia-do-50"  # over 20% up to 50%
    JEZDNIA_POWYZEJ_50 = "jezdnia-powyzej-50"  # over 50%, or the carriageway closed
    CHODNIK = "chodnik"
    POBOCZE = "pobocze"
    ZIELEN = "zielen"
    DROGA_ROWEROWA = "droga-rowerowa"
    POZOSTALE = "pozostale"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoadLaneRates(_Strict):
    resolution: str = Field(min_length=5, max_length=300,
                            description="Uchwała ustalająca stawki, np. Uchwała nr XX/123/2024 Rady Gminy … z dnia ….")
    daily: dict[RoadElement, Zl] = Field(min_length=1, description=(
        "Stawka za 1 m² za dzień (zł): roboty, obiekty i reklamy, inne zajęcie (art. 40 ust. 4 i 6)."))
    annual: dict[RoadElement, Zl] = Field(default_factory=dict, description=(
        "Stawka roczna za 1 m² rzutu urządzenia infrastruktury (zł, art. 40 ust. 5)."))

    @model_validator(mode="after")
    def _within_caps(self) -> RoadLaneRates:
        for element, rate in self.daily.items():
            if rate > DAILY_CAP:
                raise ValueError(f"Stawka dzienna dla „{element.value}” ({rate} zł) przekracza 10 zł za 1 m² "
                                 f"(art. 40 ust. 8 {ROAD_ACT}).")
        for element, rate in self.annual.items():
            if rate > ANNUAL_CAP:
                raise ValueError(f"Stawka roczna dla „{element.value}” ({rate} zł) przekracza 200 zł za 1 m² "
                                 f"(art. 40 ust. 8 {ROAD_ACT}).")
        return self


class RegisterSetting(_Strict):
    kind: RegisterKind
    department: DeptSymbol = Field(description="Komórka, której urzędnicy prowadzą rejestr.")
    service: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{2,62}$", description=(
        "Usługa katalogu, z której sprawy (załatwionej) urzędnik zakłada wpis; brak: wpisy tylko ręczne."))


class RegistersSetting(_Strict):
    """The registers the JST keeps (each by one department) and the rates they need."""

    kept: list[RegisterSetting] = Field(min_length=1)
    road_lane_rates: RoadLaneRates | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RegistersSetting:
        kinds = [r.kind for r in self.kept]
        if len(kinds) != len(set(kinds)):
            raise ValueError("Każdy rejestr może wystąpić w konfiguracji tylko raz.")
        if RegisterKind.PAS_DROGOWY in kinds and self.road_lane_rates is None:
            raise ValueError("Rejestr zajęcia pasa drogowego wymaga stawek opłat (road_lane_rates).")
        return self

    def register(self, kind: RegisterKind) -> RegisterSetting | None:
        return next((r for r in self.kept if r.kind is kind), None)
