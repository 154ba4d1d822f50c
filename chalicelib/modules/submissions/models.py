"""e-wniosek API contract: upload slots, drafts, submissions and the registration message."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.model.fees import FeeDue
from chalicelib.model.service import FILE_TYPES

AttachmentId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,100}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AttachmentStatus(str, Enum):
    OCZEKUJE = "oczekuje"  # uploaded or about to be, not yet checked
    PRZYJETY = "przyjety"  # checked and released: may be part of a submission
    ODRZUCONY = "odrzucony"  # refused by the check (type or size); the file is gone


class SubmissionStatus(str, Enum):
    PRZYJETE = "przyjete"  # stored, UPP issued, waiting for registration in the inbox
    ZAREJESTROWANA = "zarejestrowana"  # the case has its sign in the department's inbox


class UploadRequest(Strict):
    filename: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]+$")
    content_type: str = Field(description=f"Jeden z: {', '.join(FILE_TYPES)}.")
    size: int = Field(gt=0, description="Rozmiar pliku w bajtach.")


class UploadSlot(BaseModel):
    attachment_id: str
    status: AttachmentStatus
    upload: dict[str, Any] = Field(description="Formularz POST do S3: url + fields; plik w polu „file”.")
    expires_at: datetime
    max_bytes: int


class AttachmentView(BaseModel):
    attachment_id: str
    terc: str
    service: str
    filename: str
    content_type: str
    status: AttachmentStatus
    reason: str | None = None
    size: int | None = None
    sha256: str | None = None


class DraftIn(Strict):
    data: dict[str, Any] = Field(default_factory=dict)
    form_version: int | None = Field(default=None, ge=1)


class DraftView(BaseModel):
    draft_id: str
    terc: str
    service: str
    form_version: int
    data: dict[str, Any]
    updated_at: datetime
    expires_at: datetime


class SubmissionIn(Strict):
    data: dict[str, Any]
    form_version: int | None = Field(default=None, ge=1, description="Domyślnie najnowsza wersja formularza.")
    draft_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")


class StoredFile(BaseModel):
    """Where one stored object is, exactly (the version the receipt speaks of)."""

    key: str
    version_id: str | None
    sha256: str  # hex
    size: int
    content_type: str
    filename: str


class StoredAttachment(StoredFile):
    attachment_id: str
    field: str


class Applicant(BaseModel):
    kind: str
    name: str
    pesel: str | None = None
    nip: str | None = None
    regon: str | None = None


class Filer(BaseModel):
    """The signed-in person who filed the submission, as the national login named them."""

    pesel: str
    name: str | None = None


class Answers(BaseModel):
    """The case a supplementary submission answers (a summons to supply what is missing, art. 64 § 2 KPA)."""

    case_id: str
    case_sign: str
    department: str  # the case's: its clerks see the answer from the moment it is accepted


class SubmissionRecord(BaseModel):
    """The immutable facts of an accepted submission (JSON in the submission item)."""

    document: StoredFile
    # IdentyfikatorDokumentu of the UPP: the document's own id (a self-signed document carries it; a form's
    # document is rendered with the submission id). Older records: the submission id.
    document_id: str | None = None
    upp: StoredFile
    receipt_id: str
    attachments: list[StoredAttachment]
    applicant: Applicant | None
    email: str | None
    service_name: str
    office_name: str
    # A self-signed document: the signature report's signer (name, PESEL/NIP or the Profil Zaufany identity)
    # and its signing time.
    signer: dict[str, Any] | None = None
    filer: Filer | None = None
    # The request that filed it: the registration and its e-mail name it, even when the sweeper sends again.
    correlation_id: str | None = None
    answers: Answers | None = None  # a supplementary submission: the case it answers (no case of its own)
    # The fee computed from the form at acceptance (None: the service has none), and whether the JST took fees
    # online then (False: paid another way, e.g. a transfer to its account).
    fee: FeeDue | None = None
    fee_online: bool = False
    edelivery_address: str | None = None  # the party's ADE from the form (adres do doręczeń elektronicznych)


class Submission(BaseModel):
    submission_id: str
    owner: str
    terc: str
    service: str
    form_version: int
    request_sha256: str
    delivered_at: datetime
    record: SubmissionRecord
    status: SubmissionStatus = SubmissionStatus.PRZYJETE
    signed: bool = False
    flags: list[str] = []
    case_sign: str | None = None
    department: str | None = None
    due_date: str | None = None
    registered_at: datetime | None = None
    notified_at: datetime | None = None
