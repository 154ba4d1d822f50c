"""The proof of a paid order is one document: sealed on its first request, stored, then served as stored; a
second first request that lost the race serves the winner's; before the payment there is none (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from lxml import etree

from chalicelib.documents import payment_proof
from chalicelib.modules.payments import proof
from tests import samples
from tests.unit.fakes import NOW, office_seal


@dataclass(frozen=True)
class Order:
    order_id: str = "ab" * 16
    terc: str = "1418043"
    sign: str = "OS.6131.7.2026"
    owner: str = "anna"
    title: str = "Opłata skarbowa za wydanie zaświadczenia"
    currency: str = "PLN"
    amount: int = 1700
    paid_at: datetime | None = NOW
    paid_amount: int | None = 1700
    gateway_order_id: int | None = 316423871


class Objects:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}
        self.creates = 0
        self.race: bytes | None = None  # what a concurrent request stores just before this one

    def read(self, key: str) -> bytes | None:
        return self.stored.get(key)

    def create(self, key: str, body: bytes, content_type: str) -> bool:
        assert content_type == "application/xml"
        self.creates += 1
        if self.race is not None:
            self.stored[key] = self.race
        if key in self.stored:
            return False
        self.stored[key] = body
        return True


def _seal(document: etree._Element, at: datetime) -> bytes:
    return office_seal().seal(document, signing_time=at)


def _issue(objects: Objects, order: Order, *, at: datetime = NOW) -> bytes:
    payer = proof.payer_of(order, name="Jan Kowalski", pesel="44051401359")
    return proof.issued(objects, order, samples.tenant(), payer, seal=_seal, now=at)


def test_first_request_seals_and_stores_later_ones_get_the_same_bytes() -> None:
    objects = Objects()
    first = _issue(objects, Order())
    again = _issue(objects, Order(), at=NOW + timedelta(days=3))

    assert again == first and objects.creates == 1
    assert objects.stored == {f"payments/1418043/{'ab' * 16}/potwierdzenie-wplaty.xml": first}
    shown = payment_proof.read(first)
    assert shown.recipient_terc == "1418043" and shown.recipient_account == samples.tenant().bank_account
    assert (shown.payer_name, shown.payer_id, shown.payer_id_type) == ("Jan Kowalski", "44051401359", "PESEL")
    assert shown.amount == 1700 and shown.transaction_id == "316423871" and shown.operator == "Przelewy24"
    assert shown.title == "Opłata skarbowa za wydanie zaświadczenia, sprawa OS.6131.7.2026"


def test_a_request_that_lost_the_race_serves_the_winners_document() -> None:
    objects = Objects()
    objects.race = b"<the-winners-proof/>"

    assert _issue(objects, Order()) == b"<the-winners-proof/>"


def test_no_proof_before_the_gateway_confirmed_the_payment() -> None:
    with pytest.raises(proof.ProofNotFound) as refused:
        _issue(Objects(), Order(paid_at=None, paid_amount=None, gateway_order_id=None))
    assert refused.value.status == 404 and refused.value.code == "proof_not_found"


def test_without_a_national_login_the_payer_is_named_by_the_platform_account() -> None:
    payer = proof.payer_of(Order(), name=None, pesel=None)
    assert (payer.identifier, payer.identifier_type) == ("anna", "IdKonta")
