"""The delivery module's heavy parts and ports, loaded on first use: the models, the table, the box's client and
the PDF renderer load with the first delivery, never with `import app`."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.integrations.edelivery import EDeliveryBox
    from chalicelib.modules.delivery import actions, logic, models, paper, records, repository
else:
    actions = lazy_module("chalicelib.modules.delivery.actions")
    logic = lazy_module("chalicelib.modules.delivery.logic")
    models = lazy_module("chalicelib.modules.delivery.models")
    paper = lazy_module("chalicelib.modules.delivery.paper")
    records = lazy_module("chalicelib.modules.delivery.records")
    repository = lazy_module("chalicelib.modules.delivery.repository")

__all__ = ["actions", "box", "deliveries", "evidence_key", "logic", "models", "paper", "ports", "records",
           "repository"]


def evidence_key(terc: str, case_id: str, delivery_id: str, evidence_id: str) -> str:
    # Under the case's prefix: retention removes the evidences with the case's other documents.
    return f"cases/{terc}/{case_id}/deliveries/{delivery_id}/{evidence_id}.xml"


@lru_cache(maxsize=1)
def deliveries() -> repository.DynamoDeliveries:
    return repository.DynamoDeliveries()


@lru_cache(maxsize=1)
def box() -> EDeliveryBox:
    from chalicelib.core.settings import get_settings
    from chalicelib.integrations.edelivery import EDeliveryError
    from chalicelib.integrations.edelivery_auth import box_from_settings

    if not get_settings().edelivery_url:  # a refusal the clerk sees (nieudana), not a retry forever
        raise EDeliveryError("Skrzynka e-Doręczeń urzędu nie jest skonfigurowana (EURZAD_EDELIVERY_URL).",
                             retryable=False, code="not_configured")
    return box_from_settings()


class _Files:
    def letter_documents(self, terc: str, case_id: str, file_ids: list[str]) -> list[bytes]:
        from chalicelib.modules import cases

        return [cases.read_office_file(terc, case_id, file_id) for file_id in file_ids]

    def put_evidence(self, terc: str, case_id: str, delivery_id: str, evidence_id: str, xml: bytes) -> str | None:
        from chalicelib.integrations.clients import objects

        return objects().put("documents", evidence_key(terc, case_id, delivery_id, evidence_id), xml,
                             "application/xml")


def _case_log(terc: str, case_id: str, entries: list[tuple[str, dict[str, Any]]], at: datetime) -> None:
    from chalicelib.modules import cases

    cases.log_events(terc, case_id, entries, at=at)


def _mail(to: str, subject: str, text: str) -> None:
    from chalicelib.integrations.clients import mailer
    from chalicelib.integrations.mail import Mail

    mailer().send(Mail(to=to, subject=subject, text=text))


def _queue_send(key: tuple[str, str, str]) -> None:
    from chalicelib import events
    from chalicelib.events.topics import DeliverySend

    terc, case_id, delivery_id = key
    events.publish(DeliverySend(terc=terc, case_id=case_id, delivery_id=delivery_id))


def _seal(xml: bytes, at: datetime) -> bytes:
    from lxml import etree

    from chalicelib.modules import signatures

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return signatures.seal(etree.fromstring(xml, parser), at=at)


def ports() -> records.Ports:
    from chalicelib.modules import cases

    return records.Ports(store=deliveries(), box=box, files=_Files(), case_log=_case_log,
                         working_day=cases.next_working_day, party_email=cases.party_email, mail=_mail,
                         queue_send=_queue_send, seal=_seal)
