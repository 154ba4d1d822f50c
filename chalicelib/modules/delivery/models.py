"""The delivery API's shapes: what the clerk sends (the channel, a return receipt, an appeal), what the box's
callback posts, and the delivery as the clerk and the party see it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.core.identifiers import ADE_RE

Ade = Annotated[str, StringConstraints(pattern=ADE_RE.pattern)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeliveryRequest(Strict):
    channel: Literal["auto", "e-doreczenie", "papier"] = Field(default="auto", description=(
        "auto: e-Doręczenia, gdy strona ma adres do doręczeń elektronicznych (ADE), inaczej papier; "
        "e-doreczenie: wymaga ADE; papier: usługa hybrydowa za potwierdzeniem odbioru."))
    ade: Ade | None = Field(default=None, description="ADE strony, gdy sprawa go nie zawiera "
                                                      "(AE:PL-00000-00000-AAAAA-00).")
    public_body: bool = Field(default=False, description="Adresat jest podmiotem publicznym: doręczenie z chwilą "
                                                         "wpłynięcia do jego skrzynki (JST platformy — zawsze).")
    address: list[Line] = Field(default_factory=list, max_length=5, description=(
        "Adres do korespondencji dla przesyłki papierowej, gdy sprawa go nie zawiera (wiersze)."))


class ReturnReceiptRequest(Strict):
    delivered_on: date = Field(description="Data doręczenia z potwierdzenia odbioru (RRRR-MM-DD).")
    scan_base64: Annotated[str, StringConstraints(min_length=8, max_length=900_000)] = Field(
        description="Skan potwierdzenia odbioru (PDF, JPEG albo PNG) w base64, do ok. 650 KiB.")
    filename: Annotated[str, StringConstraints(pattern=r"^[\w .()-]{1,100}$")] = "potwierdzenie-odbioru.pdf"


class AppealRequest(Strict):
    received_on: date = Field(description="Data wniesienia odwołania (RRRR-MM-DD).")


class ResendRequest(Strict):
    """A failed send goes again to the same recipient with the same message id; one the box could not deliver
    (niedoreczona) goes on paper, to `address` or the one the case holds."""

    address: list[Line] = Field(default_factory=list, max_length=5, description=(
        "Adres do korespondencji dla przesyłki papierowej po niedoręczeniu elektronicznym (wiersze)."))


class CallbackRequest(BaseModel):
    """What the e-Delivery box posts on a status change; only a hint to read the message's status back."""

    eventId: str | None = Field(default=None, max_length=200)  # noqa: N815  (the box's field names)
    eDeliveryAddress: Ade  # noqa: N815
    messageId: Annotated[str, StringConstraints(min_length=1, max_length=200)]  # noqa: N815
    status: str | None = Field(default=None, max_length=60)
    eventAt: str | None = Field(default=None, max_length=60)  # noqa: N815


class Recipient(BaseModel):
    name: str
    ade: str | None
    public_body: bool
    address: list[str]


class EvidenceView(BaseModel):
    id: str = Field(description="Dowód do pobrania: `…/deliveries/{delivery_id}/evidences/{id}`.")
    kind: Literal["dowod_wyslania", "dowod_otrzymania", "dowod_otrzymania_uznane", "potwierdzenie_odbioru"]
    label: str
    issuer: str = Field(description="Kto go wystawił i podpisał: dostawca usługi e-Doręczeń albo urząd.")
    issued_at: str
    event_at: str = Field(description="Czas wysłania albo doręczenia, który dowód poświadcza.")
    sha256: str
    size: int


class AppealView(BaseModel):
    received_on: str
    in_time: bool


class DeliveryView(BaseModel):
    delivery_id: str
    case_id: str
    case_sign: str | None
    letter_id: str
    letter_kind: str
    title: str
    channel: Literal["e-doreczenie", "organ-publiczny", "papier"]
    channel_label: str
    status: Literal["do_wyslania", "wyslana", "czeka_na_odbior", "doreczona", "doreczona_z_mocy_prawa",
                    "niedoreczona", "nieudana", "do_wydruku"]
    status_label: str
    recipient: Recipient
    sent_at: str | None = None
    arrived_at: str | None = None
    delivered_on: str | None = Field(default=None, description="Dzień doręczenia (także uznanego, D+15).")
    deemed: bool | None = None
    appeal_until: str | None = Field(default=None, description="Ostatni dzień na odwołanie od decyzji "
                                                               "(art. 129 § 2 i art. 57 KPA).")
    final_on: str | None = Field(default=None, description="Od tego dnia decyzja jest ostateczna.")
    appeal: AppealView | None = None
    attempts: int | None = None
    evidences: list[EvidenceView]


class DeliveryList(BaseModel):
    items: list[DeliveryView]
    count: int


class Link(BaseModel):
    url: str = Field(description="Link ważny 5 minut.")
    filename: str


class CallbackAnswer(BaseModel):
    accepted: bool
