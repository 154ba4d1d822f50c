"""The office's letters in a case: decisions, certificates, letters, summonses to supplement (art. 64 § 2) and
art. 36 notices, composed from versioned templates (`templates/`), rendered as PDF inside ePUAP-style XML,
sealed with the office seal and linked to the case as files shared with the party. It works through the cases
module's interface.

What other modules may use of it (the delivery module sends issued letters):
- `issued(terc, case_id, letter_id)`: the issued letter as the API shows it (kind, title, its files' ids), or None.
"""

from __future__ import annotations

from typing import Any

from chalicelib.modules.letters import wiring as _wiring  # its heavy parts load on first use

__all__ = ["issued"]


def issued(terc: str, case_id: str, letter_id: str) -> dict[str, Any] | None:
    return _wiring.letters().find(terc, case_id, letter_id)
