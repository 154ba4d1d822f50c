"""Attachment files by content: what a file really is (`sniff`) and whether its type's content policy lets it
through (`refusal`). The policy per type is written down in README ("Content policy for attachments")."""

from chalicelib.documents.filetypes.policy import refusal
from chalicelib.documents.filetypes.sniffing import DOCX, JPEG, ODT, PDF, PNG, TIFF, XML, sniff

__all__ = ["DOCX", "JPEG", "ODT", "PDF", "PNG", "TIFF", "XML", "refusal", "sniff"]
