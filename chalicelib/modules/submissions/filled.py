"""The reader of a form filled in the browser (JSON): the intake's pipeline takes it from here.

No Chalice, no boto3. The form is validated against the service's definition, the applicant bound to the
signed-in person, the draft it came from must be the resident's own; the document is the ePUAP XML rendered from it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.documents import wniosek
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.submissions import applicants
from chalicelib.modules.submissions.drafts import require_draft
from chalicelib.modules.submissions.intake import Read, ref
from chalicelib.modules.submissions.logic import Offer, Ports, offer, validated
from chalicelib.modules.submissions.models import AttachmentView, Filer, SubmissionIn


@dataclass(frozen=True)
class FilledForm:
    body: SubmissionIn

    @property
    def canonical(self) -> bytes:
        # The request as data, not bytes: a retry that orders keys or spaces the JSON differently is the same one.
        return json.dumps(self.body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode()

    def read(self, ports: Ports, *, owner: str, tenant: TenantConfig, service: str, filer: Filer) -> Read:
        body = self.body
        where = offer(ports.catalogue, tenant, service, body.form_version)
        if body.draft_id:
            _own_draft(ports, owner, body.draft_id, where)
        form = validated(where.definition, body.data)
        flags = applicants.bind(where.definition, form, filer)

        def document(sid: str, attachments: list[AttachmentView], now: Callable[[], datetime]) -> tuple[bytes, str]:
            by_id = {a.attachment_id: a for a in attachments}
            root = wniosek.render(defn=where.definition, tenant=tenant, values=form.values, sender=form.applicant,
                                  attachments=[ref(f.field, by_id[f.attachment_id]) for f in form.files],
                                  document_id=sid, created_at=now())
            return wniosek.to_bytes(root), sid

        return Read(where=where, form=form, applicant=applicants.applicant_of(form), filer=filer, flags=flags,
                    document=document, draft_id=body.draft_id)


def _own_draft(ports: Ports, owner: str, draft_id: str, where: Offer) -> None:
    """The draft the form came from must be the resident's own, of this service: else nothing is written."""
    try:
        draft = require_draft(ports, owner, draft_id)
    except NotFound:
        draft = None
    if draft is None or (draft.terc, draft.service) != (where.tenant.terc, where.definition.id):
        raise Unprocessable("Nie ma takiej wersji roboczej tego wniosku.", code="draft_not_found",
                            details=[{"field": "draft_id", "code": "draft_not_found",
                                      "message": "Nie ma takiej wersji roboczej (mogła wygasnąć albo dotyczy "
                                                 "innej usługi)."}])
