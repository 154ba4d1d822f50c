"""Small, valid domain objects for unit tests (real formats, valid checksums)."""

from __future__ import annotations

import copy
from typing import Any

from chalicelib.model.service import ServiceDefinition
from chalicelib.model.tenant import TenantConfig

TENANT: dict[str, Any] = {
    "terc": "1418043",
    "name": "Gmina Piaseczno",
    "office_name": "Urząd Miasta i Gminy Piaseczno",
    "kind": "gmina-miejsko-wiejska",
    "parent_terc": "1418",
    "address": {"street": "ul. Kościuszki", "building": "5", "postal_code": "05-500", "city": "Piaseczno"},
    "contact": {"email": "urzad@piaseczno.demo.eurzad.pl", "phone": "+48 22 701 75 00",
                "epuap_box": "/umigpiaseczno/SkrytkaESP"},
    "bank_account": "61 1090 1014 0000 0712 1981 2874",
    "edelivery_address": "AE:PL-12345-67890-ABCDE-12",
    "departments": [{"symbol": "FN", "name": "Wydział Finansowy"},
                    {"symbol": "OS", "name": "Wydział Ochrony Środowiska"}],
    "services": [
        {"id": "zaswiadczenie-o-niezaleganiu", "enabled": True},
        {"id": "zezwolenie-na-usuniecie-drzew", "enabled": True, "deadline_kind": "2-miesiace"},
        {"id": "pismo-ogolne", "enabled": False},
    ],
}

SERVICE: dict[str, Any] = {
    "id": "zaswiadczenie-o-niezaleganiu",
    "version": 1,
    "name": "Zaświadczenie o niezaleganiu w podatkach",
    "category": "podatki-i-oplaty",
    "purpose": "Potwierdzenie, że wnioskodawca nie ma zaległości podatkowych wobec gminy.",
    "who_may_apply": "Podatnik lub jego pełnomocnik.",
    "legal_basis": ["Ordynacja podatkowa, art. 306a-306e"],
    "fee": {"amount": "21.00", "title": "Opłata skarbowa za zaświadczenie o niezaleganiu"},
    "deadline": {"kind": "7-dni", "description": "Do 7 dni."},
    "required_attachments": [],
    "jrwa": "3120",
    "department": "FN",
    "how_to_apply_on_paper": "Wniosek złożony w kancelarii urzędu lub wysłany pocztą.",
    "keywords": ["zaległości", "podatek"],
    "form": {"title": "Wniosek o wydanie zaświadczenia", "fields": [
        {"name": "wnioskodawca", "type": "person", "label": "Wnioskodawca", "required": True},
        {"name": "cel", "type": "choice", "label": "Cel", "required": True,
         "options": [{"value": "bank", "label": "Kredyt"}, {"value": "inny", "label": "Inny"}]},
        {"name": "cel_inny", "type": "text", "label": "Inny cel", "required": True,
         "visible_when": {"cel": "inny"}},
    ]},
}


def tenant(**changes: Any) -> TenantConfig:
    data = copy.deepcopy(TENANT)
    data.update(changes)
    return TenantConfig.model_validate(data)


def service(**changes: Any) -> ServiceDefinition:
    data = copy.deepcopy(SERVICE)
    data.update(changes)
    return ServiceDefinition.model_validate(data)
