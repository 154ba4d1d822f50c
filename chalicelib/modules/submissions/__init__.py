"""e-wniosek: attachments, drafts, the intake of a submission with its UPP, and the resident's view of it."""
