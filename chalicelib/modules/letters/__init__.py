"""The office's letters in a case: decisions, certificates, letters, summonses to supplement (art. 64 § 2) and
art. 36 notices, composed from versioned templates (`templates/`), rendered as PDF inside ePUAP-style XML,
sealed with the office seal and linked to the case as files shared with the party. Nothing for other modules
to call: it works through the cases module's interface."""

from chalicelib.modules.letters import wiring as _wiring  # noqa: F401  (its heavy parts load on first use)
