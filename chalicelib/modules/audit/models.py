"""The audit module's API shapes: a page of a JST's chain, as stored (with the hashes, to check by hand)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ChainHead(BaseModel):
    seq: int
    hash: str


class AuditEntryView(BaseModel):
    terc: str
    seq: int
    prev_hash: str
    hash: str
    at: str
    action: str
    actor: str
    actor_name: str | None = None
    case_id: str | None = None
    case_sign: str | None = None
    details: dict[str, Any]
    correlation_id: str | None = None


class AuditTrailPage(BaseModel):
    terc: str
    head: ChainHead | None
    items: list[AuditEntryView]
    count: int
    next: int | None  # the `after` of the next page


class AuditTrailQuery(BaseModel):
    after: int = Field(default=0, ge=0, le=999_999_999, description="Ostatni numer poprzedniej strony (next).")
    limit: int = Field(default=50, ge=1, le=100)
