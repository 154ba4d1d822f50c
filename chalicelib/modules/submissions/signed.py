"""Documents the resident signs themselves (XAdES): the document to sign, and the checks of what comes back.

No Chalice, no boto3. A signed document must verify as `valid` under the strict policy; it is read back from what
the signature covers (never from the bytes around it), must be made for this service and JST, and names each
attachment by its digest.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from chalicelib.core.errors import BadRequest, Unprocessable
from chalicelib.documents import wniosek
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.submissions import applicants
from chalicelib.modules.submissions.attachments import released_attachments
from chalicelib.modules.submissions.intake import Read, ref
from chalicelib.modules.submissions.logic import Offer, Ports, offer, validated
from chalicelib.modules.submissions.models import Applicant, AttachmentView, Filer, SubmissionIn
from chalicelib.signatures.report import Verdict, VerificationReport

if TYPE_CHECKING:
    from chalicelib.forms.compiler import FormData
    from chalicelib.model.service import ServiceDefinition


def document_to_sign(ports: Ports, *, owner: str, where: Offer, body: SubmissionIn) -> bytes:
    """The ePUAP document for the resident to sign themselves (then submitted as signed XML), with its own id."""
    form = validated(where.definition, body.data)
    by_id = {a.attachment_id: a for a in released_attachments(ports, owner, form, where)}
    refs = [ref(f.field, by_id[f.attachment_id]) for f in form.files]
    root = wniosek.render(defn=where.definition, tenant=where.tenant, values=form.values, sender=form.applicant,
                          attachments=refs, document_id=uuid.uuid4().hex, created_at=ports.now())
    return wniosek.to_bytes(root)


@dataclass(frozen=True)
class Checked:
    """A verified signed document, read back from what its signature covers."""

    version: int
    values: dict[str, Any]
    digests: dict[str, str]
    document_id: str | None
    signer: Any  # the report's signer (name, PESEL/NIP or the Profil Zaufany identity), or None
    signed_by: dict[str, Any]

    def form(self, defn: ServiceDefinition) -> FormData:
        return validated(defn, self.values)


@dataclass(frozen=True)
class SignedDocument:
    """The reader of a document the resident signed (XAdES): the intake's pipeline takes it from here."""

    signed: bytes

    @property
    def canonical(self) -> bytes:
        return self.signed

    def read(self, ports: Ports, *, owner: str, tenant: TenantConfig, service: str, filer: Filer) -> Read:
        checked = check(ports, tenant=tenant, service=service, signed=self.signed)
        where = offer(ports.catalogue, tenant, service, checked.version)
        form = checked.form(where.definition)
        applicant = applicants.applicant_of(form)
        # The document's own id is what the UPP names; a document without one is known by its digest.
        document_id = checked.document_id or f"sha256:{hashlib.sha256(self.signed).hexdigest()}"
        signed = self.signed
        return Read(where=where, form=form, applicant=applicant, filer=filer, flags=flags(applicant, checked.signer),
                    document=lambda sid, attachments, now: (signed, document_id), document_id=document_id,
                    signer=checked.signed_by,
                    check_attachments=lambda attachments: same_digests(checked.digests, attachments))


def check(ports: Ports, *, tenant: TenantConfig, service: str, signed: bytes) -> Checked:
    report = _verified(ports.verify(signed))
    signature = report.signature
    content = next((c for c in signature.signed_content if c.xml), None)
    if content is None or content.xml is None:
        raise Unprocessable("Podpis nie obejmuje dokumentu wniosku.", code="document_not_signed")
    try:
        read = wniosek.read(etree.fromstring(content.xml.encode()))
    except wniosek.DocumentError as exc:
        raise Unprocessable(exc.message, code=exc.code) from exc
    if (read.service, read.terc) != (service, tenant.terc):
        raise Unprocessable(
            f"Podpisany dokument dotyczy usługi „{read.service}” w jednostce {read.terc}, "
            f"a został złożony do „{service}” w jednostce {tenant.terc}.", code="document_mismatch")
    signer = signature.signer
    signed_by = {**(signer.model_dump(mode="json", exclude_none=True) if signer else {}),
                 "signing_time": signature.signing_time.isoformat() if signature.signing_time else None}
    return Checked(version=read.version, values=read.values, digests=read.digests, document_id=read.document_id,
                   signer=signer, signed_by=signed_by)


def flags(applicant: Applicant | None, signer: Any) -> list[str]:
    if applicant is not None and applicant.pesel and (signer is None or signer.pesel != applicant.pesel):
        return ["signer_not_applicant"]  # accepted, but the clerk must look (DOMAIN: PESEL must match)
    return []


def _verified(result: Any) -> VerificationReport:
    code = getattr(result, "code", None)
    if code is not None and not hasattr(result, "verdict"):  # unreadable XML
        details = list(getattr(result, "details", ()))  # the bound a too complex document broke
        raise (BadRequest if code == "xml_malformed" else Unprocessable)(result.message, code=code, details=details)
    if result.verdict is not Verdict.VALID:
        reasons = [{"field": "", "code": r.code, "message": r.message}
                   for s in result.signatures for r in s.reasons if r.severity != "warning"]
        raise Unprocessable("Podpis dokumentu jest nieprawidłowy albo niezaufany; wniosku nie przyjęto.",
                            code="signature_not_accepted", details=reasons,
                            extra={"report": result.model_dump(mode="json")})
    return result  # type: ignore[no-any-return]


def same_digests(digests: dict[str, str], attachments: list[AttachmentView]) -> None:
    """The signed document binds each attachment by its digest: the stored file must be that file."""
    for att in attachments:
        if digests.get(att.attachment_id) != att.sha256:
            raise Unprocessable("Podpisany dokument wskazuje załącznik o innej treści niż przesłany.",
                                code="attachment_digest_mismatch")
