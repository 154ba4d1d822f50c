"""What the registration of an accepted submission needs, settled when it is accepted (the registration message
carries it) or, for a message that does not carry it, from the stored submission.

No Chalice, no boto3.
"""

from __future__ import annotations

from chalicelib.events.topics import RegistrationFacts
from chalicelib.model.service import ServiceDefinition
from chalicelib.model.tenant import TenantConfig, UnknownDepartment
from chalicelib.modules import catalogue
from chalicelib.modules.submissions.models import Submission


def facts_of(submission: Submission, defn: ServiceDefinition | None, tenant: TenantConfig) -> RegistrationFacts:
    """The facts of `submission`, with its department, JRWA class and deadline as `tenant` offers the service
    (the JST's override or the catalogue's); those stay None when the department is not one the JST has (or the
    form's version is not in the catalogue): the registration waits until the configuration names it."""
    record = submission.record
    facts = RegistrationFacts(
        delivered_at=submission.delivered_at, form_version=submission.form_version, receipt_id=record.receipt_id,
        service_name=record.service_name, office_name=record.office_name,
        applicant=record.applicant.name if record.applicant else None, email=record.email,
        edelivery_address=record.edelivery_address,
        flags=submission.flags, signed=submission.signed, correlation_id=record.correlation_id,
        answers_case=record.answers.case_id if record.answers else None, fee=record.fee)
    if defn is None:
        return facts
    offered = catalogue.entry(defn, tenant)
    try:
        name = tenant.department(offered.department).name
    except UnknownDepartment:
        return facts.model_copy(update={"department": offered.department})
    return facts.model_copy(update={"department": offered.department, "department_name": name,
                                    "jrwa": offered.jrwa, "archival_category": offered.archival_category,
                                    "deadline_kind": offered.deadline.kind})
