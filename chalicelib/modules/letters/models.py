"""The letters API's shapes: what the clerk sends to preview or issue a letter, and what comes back."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Kind = Literal["decyzja", "zaswiadczenie", "pismo", "wezwanie", "zawiadomienie"]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,39}$")]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Line = Annotated[str, StringConstraints(max_length=1_000)]
Person = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
FieldValue = bool | int | Text | Annotated[list[Line], Field(max_length=50)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LetterRequest(Strict):
    kind: Kind = Field(description="Rodzaj pisma: decyzja, zaświadczenie (art. 217 KPA), pismo, wezwanie do usunięcia "
                                   "braków (art. 64 § 2), zawiadomienie o niezałatwieniu w terminie (art. 36).")
    fields: dict[Name, FieldValue] = Field(default_factory=dict, max_length=30, description=(
        "Części pisma wypełniane przez urzędnika, według pól szablonu rodzaju (np. decyzja: podstawa_prawna, "
        "rozstrzygniecie, uzasadnienie, uwzglednia_w_calosci, organ_odwolawczy: sko|wojewoda)."))
    signer_position: Person = Field(description="Stanowisko służbowe osoby podpisującej (art. 107 § 1 pkt 8 KPA).")
    signer_name: Person | None = Field(default=None, description="Imię i nazwisko podpisującego, gdy token go nie "
                                                                  "zawiera (inaczej: z tokenu).")


class PreviewPart(BaseModel):
    name: str
    heading: str | None
    paragraphs: list[str]


class Signer(BaseModel):
    name: str
    position: str


class PreviewPdf(BaseModel):
    content_type: Literal["application/pdf"]
    filename: str
    size: int
    sha256: str
    data_base64: str


class LetterPreview(BaseModel):
    kind: Kind
    template: str = Field(description="Szablon i jego wersja, np. decyzja/v1.")
    title: str
    case_sign: str
    parts: list[PreviewPart]
    signer: Signer
    pdf: PreviewPdf


class LetterFile(BaseModel):
    id: str = Field(description="Plik sprawy (`…/cases/{case_id}/files/{id}`, dla strony `/v1/me/cases/…/files/{id}`).")
    title: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str


class LetterFiles(BaseModel):
    xml: LetterFile = Field(description="Oryginał: XML z pieczęcią urzędu (XAdES), z PDF w środku.")
    pdf: LetterFile = Field(description="Wizualizacja do czytania.")


class LetterView(BaseModel):
    letter_id: str
    case_id: str
    case_sign: str
    kind: Kind
    template: str
    title: str
    issued_at: str
    issued_by: str
    signer: Signer
    request_sha256: str
    files: LetterFiles


class LetterList(BaseModel):
    items: list[LetterView]
    count: int
