"""The proof of payment of an order: one document per paid order, sealed on its first request and then served as
stored, byte for byte. No Chalice, no boto3: the stored objects and the seal are ports.

Two first requests at once may both seal; only one document is kept: the store creates the object only where
none exists (S3's conditional put), and the loser serves the winner's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from chalicelib.core.errors import NotFound
from chalicelib.documents import payment_proof

if TYPE_CHECKING:
    from lxml import etree

    from chalicelib.model.tenant import TenantConfig

CONTENT_TYPE = "application/xml"
OPERATORS = {"przelewy24": "Przelewy24"}


class ProofNotFound(NotFound):
    code = "proof_not_found"
    message = "Potwierdzenie wpłaty będzie dostępne, gdy operator płatności potwierdzi wpłatę."


class PaidOrder(Protocol):
    """What the proof needs of a payment order (the payments module's Order has it)."""

    @property
    def order_id(self) -> str: ...
    @property
    def terc(self) -> str: ...
    @property
    def sign(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def paid_at(self) -> datetime | None: ...
    @property
    def paid_amount(self) -> int | None: ...
    @property
    def gateway_order_id(self) -> int | None: ...


class ProofObjects(Protocol):
    def read(self, key: str) -> bytes | None:
        """The stored proof, None when there is none yet."""

    def create(self, key: str, body: bytes, content_type: str) -> bool:
        """Store `body` only if nothing is stored under `key`; False when something already is."""


@dataclass(frozen=True)
class Payer:
    name: str
    identifier: str
    identifier_type: str  # PESEL (the national login's) | IdKonta (the platform account)


Seal = Callable[["etree._Element", datetime], bytes]


def proof_key(terc: str, order_id: str) -> str:
    return f"payments/{terc}/{order_id}/{payment_proof.FILENAME}"


def payer_of(order: PaidOrder, *, name: str | None, pesel: str | None) -> Payer:
    """The payer as the resident's national login names them; the platform account when it names no one."""
    if name and pesel:
        return Payer(name, pesel, "PESEL")
    return Payer(name or "Użytkownik platformy e-Urząd", order.owner, "IdKonta")


def issued(objects: ProofObjects, order: PaidOrder, tenant: TenantConfig, payer: Payer, *, seal: Seal,
           now: datetime) -> bytes:
    """The order's sealed proof: the stored one, or made, sealed and stored now (once). 404 before payment."""
    if order.paid_at is None or order.gateway_order_id is None:
        raise ProofNotFound()
    key = proof_key(order.terc, order.order_id)
    stored = objects.read(key)
    if stored is not None:
        return stored
    provider = tenant.payments.provider.value if tenant.payments else "przelewy24"
    document = payment_proof.build(payment_proof.PaymentProof(
        proof_id=payment_proof.proof_id(order.order_id), recipient_name=tenant.office_name,
        recipient_terc=tenant.terc, recipient_account=str(tenant.bank_account), payer_name=payer.name,
        payer_id=payer.identifier, payer_id_type=payer.identifier_type,
        amount=order.paid_amount or order.amount, currency=order.currency,
        title=payment_proof.payment_title(order.title, order.sign), case_sign=order.sign, paid_at=order.paid_at,
        transaction_id=str(order.gateway_order_id), operator=OPERATORS.get(provider, provider), issued_at=now))
    sealed = seal(document, now)
    if objects.create(key, sealed, CONTENT_TYPE):
        return sealed
    winner = objects.read(key)  # another request stored it first: that one is the proof
    if winner is None:
        raise ProofNotFound()
    return winner
