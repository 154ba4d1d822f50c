"""Drafts: a resident's unfinished form, kept 30 days. No Chalice, no boto3."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.modules.submissions.models import DraftIn, DraftView

if TYPE_CHECKING:
    from chalicelib.modules.submissions.logic import Offer, Ports

DRAFT_DAYS = 30


def save_draft(ports: Ports, *, owner: str, where: Offer, draft_id: str | None, body: DraftIn) -> DraftView:
    now = ports.now()
    if len(json.dumps(body.data)) > 256 * 1024:
        raise Unprocessable(details=[{"field": "data", "code": "draft_too_large",
                                      "message": "Wersja robocza jest za duża (najwyżej 256 KiB)."}])
    draft = DraftView(draft_id=draft_id or uuid.uuid4().hex, terc=where.tenant.terc, service=where.definition.id,
                      form_version=where.definition.version, data=body.data, updated_at=now,
                      expires_at=now + timedelta(days=DRAFT_DAYS))
    ports.drafts.put(owner, draft)
    return draft


def my_drafts(ports: Ports, owner: str) -> list[DraftView]:
    """The resident's drafts, newest first; expired ones are gone even before DynamoDB's TTL removes them."""
    now = ports.now()
    return [d for d in ports.drafts.list(owner) if d.expires_at > now]


def require_draft(ports: Ports, owner: str, draft_id: str) -> DraftView:
    draft = ports.drafts.get(owner, draft_id)
    if draft is None or draft.expires_at <= ports.now():
        raise NotFound("Nie ma takiej wersji roboczej (mogła wygasnąć).", code="draft_not_found")
    return draft
