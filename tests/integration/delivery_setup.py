"""What the delivery tests share: the in-process app wired to the sandbox e-Delivery box, the clock moved for
both, and a case with an issued decision."""

from __future__ import annotations

import json
import secrets
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.models import Plan
from chalicelib.modules.cases.repository import DynamoCases
from tests import queues
from tests.conftest import auth
from tests.edelivery_box import EDeliveryBox
from tests.integration.test_case_signs import A, accepted, filing

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE_ADE = "AE:PL-14180-43000-DEMOA-01"  # Piaseczno's own box (region/demo)
OTHER_JST_ADE = "AE:PL-14180-32000-DEMOB-02"  # Lesznowola: a JST of the platform, a public body
CLERK = auth("clerk", A, subject="clerk-ewa", department="FN")
DECISION = {"podstawa_prawna": "art. 83 ust. 1 ustawy o ochronie przyrody",
            "rozstrzygniecie": "Zezwala się na usunięcie jednego drzewa gatunku brzoza (obwód 130 cm).",
            "uzasadnienie": "Drzewo zagraża bezpieczeństwu; oględziny to potwierdziły.", "organ_odwolawczy": "sko"}
JSON = {"Content-Type": "application/json"}


def warsaw(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)  # type: ignore[misc]


def ade() -> str:
    digits = f"{secrets.randbelow(10**10):010d}"
    letters = "".join(secrets.choice("ABCDEFGHIJKLMNOPRSTUWZ") for _ in range(5))
    return f"AE:PL-{digits[:5]}-{digits[5:]}-{letters}-{secrets.randbelow(100):02d}"


@dataclass
class World:
    """The platform's clock and the sandbox box's, moved together."""

    clock: FixedClock
    box: EDeliveryBox

    def at(self, when: datetime) -> None:
        self.clock._at = when.astimezone(UTC)
        self.box.set_clock(when)


_registered: set[str] = set()


@pytest.fixture(name="world")
def world_fixture(edelivery_box: EDeliveryBox, demo_pki: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    from chalicelib.core.settings import get_settings
    from chalicelib.modules.delivery import wiring

    monkeypatch.setenv("EURZAD_EDELIVERY_URL", edelivery_box.url)
    monkeypatch.setenv("EURZAD_PUBLIC_API_URL", "http://127.0.0.1:9/api")  # the box's callbacks go nowhere
    get_settings.cache_clear()
    wiring.box.cache_clear()
    for address, name in ((OFFICE_ADE, "Urząd Miasta i Gminy Piaseczno"), (OTHER_JST_ADE, "Urząd Gminy Lesznowola")):
        if address not in _registered:
            edelivery_box.register(address, name, public_body=True)
            _registered.add(address)
    fixed = FixedClock(warsaw(2031, 3, 3, 9, 0))
    set_clock(fixed)
    found = World(fixed, edelivery_box)
    found.at(warsaw(2031, 3, 3, 9, 0))
    queues.purge("delivery-sends")
    yield found
    set_clock(SystemClock())
    edelivery_box.real_clock()
    monkeypatch.delenv("EURZAD_EDELIVERY_URL")
    monkeypatch.delenv("EURZAD_PUBLIC_API_URL")
    get_settings.cache_clear()
    wiring.box.cache_clear()


def case_with_letter(api: Any, kind: str = "decyzja", email: str | None = None) -> tuple[str, str, str]:
    """A case taken by CLERK with an issued letter: (case id, letter id, the party's subject)."""
    submission = accepted(2042)
    plan = Plan(terc=A, department="FN", department_name="Wydział Finansowy", jrwa="3120", year=2042,
                deadline_kind=DeadlineKind.JEDEN_MIESIAC, started_on=date(2031, 3, 3), due_date=date(2031, 4, 3))
    filed = filing(submission)
    filed = replace(filed, facts=filed.facts.model_copy(update={"email": email, "applicant": "Jan Kowalski"}))
    case = DynamoCases().register(plan, filed, at=datetime.now(UTC), notify=False)
    assert case is not None
    assert post(api, f"/v1/tenants/{A}/cases/{case.case_id}/assignment", {}).status_code == 200
    fields = DECISION if kind == "decyzja" else {"temat": "oględziny", "tresc": "Oględziny 10.04.2031 r."}
    issued = post(api, f"/v1/tenants/{A}/cases/{case.case_id}/letters",
                  {"kind": kind, "fields": fields, "signer_position": "Burmistrz", "signer_name": "Anna Nowak"},
                  key=f"letter-{secrets.token_hex(6)}")
    assert issued.status_code == 201, issued.body
    return case.case_id, issued.json_body["letter_id"], submission.owner


def post(api: Any, path: str, body: dict[str, Any], *, key: str | None = None,
         headers: dict[str, str] = CLERK) -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return api.http.post(path, body=json.dumps(body), headers={**headers, **JSON, **extra})


def send(api: Any, case_id: str, letter_id: str, body: dict[str, Any], key: str = "wysylka-1") -> Any:
    return post(api, f"/v1/tenants/{A}/cases/{case_id}/letters/{letter_id}/delivery", body, key=key)


def run_sends(api: Any) -> None:
    queues.deliver(api, "delivery-sends", "delivery_sends")


def follow(world: World) -> None:
    from chalicelib.modules.delivery import workers

    workers.follow(world.clock.now())


def delivery(api: Any, case_id: str, delivery_id: str, headers: dict[str, str] = CLERK) -> dict[str, Any]:
    got = api.http.get(f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}", headers=headers)
    assert got.status_code == 200, got.body
    body: dict[str, Any] = got.json_body
    return body


def history(api: Any, case_id: str) -> list[dict[str, Any]]:
    got = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK)
    return [h for h in got.json_body["history"] if h["kind"] == "delivery"]


def fetched(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as got:
        body: bytes = got.read()
        return body


def wiring_record(case_id: str, delivery_id: str) -> dict[str, Any]:
    from chalicelib.modules.delivery import wiring

    stored = wiring.deliveries().get(A, case_id, delivery_id)
    assert stored is not None
    return stored.record
