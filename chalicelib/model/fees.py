"""What a party owes for a submission: the fee settled when it is filed (opłata skarbowa and the like).

Shared model: submissions compute it, the registration carries it, cases and payments read it. Amounts are in
grosze (integers): the gateways speak grosze, and no float ever touches money.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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
