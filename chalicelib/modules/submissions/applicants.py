"""Who files: the signed-in person (the national login's PESEL and name) and the applicant the form names.

No Chalice, no boto3. A form filled in the browser is the signed-in person's own application, unless it is
filed by a representative (pełnomocnik), who must attach the power of attorney; the clerk is told
(`representative`). A token without a PESEL (staff, or a login that did not go through login.gov.pl) files
nothing: the office must know who filed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.core.errors import Conflict, Forbidden, Unprocessable
from chalicelib.model.service import FieldType
from chalicelib.modules.submissions.models import Applicant, Filer

if TYPE_CHECKING:
    from chalicelib.forms.compiler import FormData
    from chalicelib.model.service import ServiceDefinition

# The file fields every catalogue form uses for the power of attorney.
POWER_OF_ATTORNEY_FIELDS = ("pelnomocnictwo",)
REPRESENTATIVE = "representative"


def require_filer(filer: Filer | None) -> Filer:
    if filer is None or not filer.pesel:
        raise Forbidden("Wniosek może złożyć tylko osoba zalogowana przez login.gov.pl (token bez numeru PESEL).",
                        code="pesel_required")
    return filer


def applicant_of(form: FormData) -> Applicant | None:
    party = form.applicant
    if party is None:
        return None
    return Applicant(kind=party.kind, name=party.name, pesel=party.pesel, nip=party.nip, regon=party.regon)


def _applicant_field(defn: ServiceDefinition, form: FormData) -> str:
    """The field the applicant was read from (the first person or firm that has a value), as the API names it."""
    for f in defn.form.fields:
        if f.type in (FieldType.PERSON, FieldType.FIRM) and f.name in form.values:
            return f"data.{f.name}[0]" if f.repeatable else f"data.{f.name}"
    return "data"


def has_power_of_attorney(form: FormData) -> bool:
    return any(ref.field.split("[")[0].split(".")[0] in POWER_OF_ATTORNEY_FIELDS for ref in form.files)


def bind(defn: ServiceDefinition, form: FormData, filer: Filer) -> list[str]:
    """The flags for the clerk, or 422 when a person is named as the applicant who is not the one signed in
    and no power of attorney comes with the form. A firm's application is filed by a person acting for it:
    the filer is recorded and, with a power of attorney, flagged."""
    applicant = applicant_of(form)
    representative = has_power_of_attorney(form)
    if applicant is not None and applicant.pesel and applicant.pesel != filer.pesel:
        if not representative:
            field = _applicant_field(defn, form)
            raise Unprocessable(
                "Wnioskodawcą może być tylko osoba zalogowana albo jej mocodawca.", code="applicant_not_signed_in",
                details=[{"field": f"{field}.pesel", "code": "applicant_not_signed_in",
                          "message": "PESEL wnioskodawcy różni się od numeru PESEL osoby zalogowanej. Składając "
                                     "wniosek w cudzym imieniu, dołącz pełnomocnictwo."}])
        return [REPRESENTATIVE]
    if representative and (applicant is None or applicant.pesel != filer.pesel):
        return [REPRESENTATIVE]
    return []


def already_submitted(*, owner: str, holder_owner: str, holder_submission_id: str) -> Conflict:
    """The same signed document again: the resident who filed it learns which submission it is; anyone else only
    that it was filed already (nothing of another resident's data)."""
    if holder_owner == owner:
        return Conflict("Ten dokument został już złożony.", code="document_already_submitted",
                        details=[{"field": "document", "code": "document_already_submitted",
                                  "message": f"Ten dokument złożono już jako wniosek {holder_submission_id}.",
                                  "submission_id": holder_submission_id,
                                  "href": f"/v1/me/submissions/{holder_submission_id}"}])
    return Conflict("Ten dokument został już złożony.", code="document_already_submitted",
                    details=[{"field": "document", "code": "document_already_submitted",
                              "message": "Ten dokument został już złożony w urzędzie."}])
