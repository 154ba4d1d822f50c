"""A supplementary submission: the resident's answer to a summons to supply what is missing (art. 64 § 2 KPA).

No Chalice, no boto3. It is a general letter (`pismo-ogolne`, kind "uzupełnienie" with the case's sign) taken by
the same pipeline as any submission (form or signed document, attachments, the UPP issued once the document is
stored), bound to the case it answers: its JST, its department (whose clerks see it at once) and its sign. The
case register decides whether the case may be answered before this is called; registration attaches the letter
to that case instead of opening a new one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.core.errors import Unprocessable
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.submissions.intake import Accepted, Read, Reader, submit
from chalicelib.modules.submissions.logic import Ports
from chalicelib.modules.submissions.models import Answers, Filer, SubmissionIn

SERVICE = "pismo-ogolne"
KIND_FIELD, KIND, SIGN_FIELD = "rodzaj_pisma", "uzupelnienie", "znak_sprawy"


@dataclass(frozen=True)
class Answering:
    """A reader of the answer: the reader of its way in (form or signed document), bound to the case."""

    inner: Reader
    answers: Answers
    still_open: Callable[[], object] = lambda: None  # raises an ApiError when the case may not be answered now

    @property
    def canonical(self) -> bytes:
        # the same key for an answer to another case is another request (409 idempotency_key_reused)
        return self.inner.canonical + b"\n" + json.dumps(self.answers.model_dump(), sort_keys=True).encode()

    def read(self, ports: Ports, *, owner: str, tenant: TenantConfig, service: str, filer: Filer) -> Read:
        self.still_open()  # refused as things stand now: the pipeline replays an answer accepted under this key
        read = self.inner.read(ports, owner=owner, tenant=tenant, service=service, filer=filer)
        values = read.form.values
        if values.get(KIND_FIELD) != KIND or values.get(SIGN_FIELD) != self.answers.case_sign:
            # a signed letter must say itself which case it answers: the signature covers that
            raise Unprocessable(
                f"Pismo nie jest uzupełnieniem w sprawie {self.answers.case_sign}.", code="document_mismatch",
                details=[{"field": f"data.{SIGN_FIELD}", "code": "case_sign_mismatch",
                          "message": f"Podaj rodzaj pisma „uzupełnienie” i znak sprawy {self.answers.case_sign}."}])
        return dataclasses.replace(read, answers=self.answers)


def bound(body: SubmissionIn, answers: Answers) -> SubmissionIn:
    """A form filled in the browser names the case it answers by the URL: the kind and the sign are set here."""
    return body.model_copy(update={"data": {**body.data, KIND_FIELD: KIND, SIGN_FIELD: answers.case_sign}})


def submit_answer(ports: Ports, *, owner: str, filer: Filer | None, tenant: TenantConfig, answers: Answers,
                  idempotency_key: str, form: SubmissionIn | None = None, signed: bytes | None = None,
                  still_open: Callable[[], object] = lambda: None) -> Accepted:
    """The answer as a form (`form`) or as a document the resident signed (`signed`), with its own UPP."""
    from chalicelib.modules.submissions.filled import FilledForm
    from chalicelib.modules.submissions.signed import SignedDocument

    inner: Reader = SignedDocument(signed) if signed is not None else FilledForm(bound(form or SubmissionIn(data={}),
                                                                                      answers))
    return submit(ports, owner=owner, filer=filer, tenant=tenant, service=SERVICE, idempotency_key=idempotency_key,
                  reader=Answering(inner, answers, still_open))
