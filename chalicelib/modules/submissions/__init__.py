"""e-wniosek: attachments, drafts, the intake of a submission with its UPP, and the resident's view of it."""

from chalicelib.modules.submissions import wiring as _wiring  # noqa: F401  (its heavy parts load on first use)
