"""A generated region for the costs bench: 314 JSTs of województwo mazowieckie (TERC 14…: 36 powiaty, 278 gminy)
with a month of metering rows, written into the emulator by BatchWriteItem. Deterministic: the same seed writes
the same region, byte for byte.

The JSTs are stored as the tenants module stores them (TenantTable: the validated TenantConfig as JSON, its
version, who and when); each has a month of metering rows shaped as the metering writes them (`pk` T#<terc>,
`sk` D#<day>#M#<module>#S#<service>#F#<function>, one `aws:<service>:<operation>` attribute per operation),
`services` rows a day (a module/function/catalogue service combination each), with plausible invocation counts
(a powiat and a town more than a village) and per-invocation requests as the platform's operations make them
(the counts below are what tests/integration/test_cost_metering.py sees, with the e-mail a registration sends
when the resident gave an address; the attachment check's are estimated).

    python bench/cost_region.py --jsts 314 --days 30 --services 30   # into $AWS_ENDPOINT_URL
"""

from __future__ import annotations

import argparse
import calendar
import random
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POWIATY, GMINY = 36, 278
SEED = 1405
BATCH = 25  # BatchWriteItem's limit
CATALOGUE = ("pismo-ogolne", "zaswiadczenie-o-niezaleganiu", "zwrot-nadplaty",
             "zaswiadczenie-o-powierzchni-gospodarstwa",
             "informacja-podatek-od-nieruchomosci", "deklaracja-odpady", "zezwolenie-na-usuniecie-drzew",
             "zezwolenie-na-sprzedaz-alkoholu", "zajecie-pasa-drogowego", "nadanie-numeru-porzadkowego")
GMINA_KINDS = (("1", "gmina-miejska", "Gmina Miejska"), ("2", "gmina-wiejska", "Gmina"),
               ("3", "gmina-miejsko-wiejska", "Gmina"))
STEMS = ("Brzoz", "Dęb", "Grab", "Jawor", "Klon", "Lip", "Modrzew", "Olsz", "Sosn", "Wierzb", "Jodł", "Buk",
         "Jarzęb", "Kalin", "Głóg", "Tarnin", "Czerem", "Leszczyn")
ENDINGS = ("owo", "ówka", "ice", "ów", "na", "no", "owa Wola", "ki", "inek", "owiec")


@dataclass(frozen=True)
class Profile:
    """One kind of invocation: where it runs and the AWS requests it makes each time (as measured)."""

    module: str
    function: str
    memory_mb: int
    http: bool
    requests: dict[str, int]
    read_units: Decimal
    write_units: Decimal
    duration_ms: int


PROFILES: tuple[Profile, ...] = (
    Profile("submissions", "api_handler", 512, True, {"dynamodb:GetItem": 1, "dynamodb:BatchGetItem": 1,
            "dynamodb:TransactWriteItems": 2, "s3:PutObject": 2, "sqs:SendMessage": 1}, Decimal(3), Decimal(12), 420),
    Profile("submissions", "attachment_uploads", 512, False, {"dynamodb:GetItem": 1, "s3:GetObject": 1,
            "s3:CopyObject": 1, "dynamodb:UpdateItem": 1}, Decimal(1), Decimal(2), 180),
    Profile("cases", "registrations", 512, False, {"dynamodb:GetItem": 2, "dynamodb:TransactWriteItems": 1,
            "sqs:SendMessage": 1, "dynamodb:UpdateItem": 1, "ses:SendEmail": 1}, Decimal(2), Decimal(14), 260),
    Profile("cases", "api_handler", 512, True, {"dynamodb:Query": 1, "dynamodb:GetItem": 1,
            "dynamodb:TransactWriteItems": 1}, Decimal("2.5"), Decimal(8), 140),
    Profile("cases", "case_payments", 512, False, {"dynamodb:Query": 1, "dynamodb:GetItem": 1,
            "dynamodb:TransactWriteItems": 1}, Decimal("2.5"), Decimal(8), 120),
    Profile("payments", "api_handler", 512, True, {"dynamodb:GetItem": 2, "secretsmanager:GetSecretValue": 1,
            "dynamodb:TransactWriteItems": 1}, Decimal(2), Decimal(6), 350),
    Profile("payments", "payment_requests", 512, False, {"dynamodb:GetItem": 1,
            "dynamodb:TransactWriteItems": 1}, Decimal(1), Decimal(4), 110),
    Profile("letters", "api_handler", 512, True, {"dynamodb:Query": 3, "dynamodb:GetItem": 5, "s3:PutObject": 2,
            "dynamodb:TransactWriteItems": 1, "dynamodb:PutItem": 1}, Decimal(6), Decimal(10), 520),
    Profile("delivery", "api_handler", 512, True, {"dynamodb:Query": 2, "dynamodb:GetItem": 6, "dynamodb:PutItem": 2,
            "dynamodb:TransactWriteItems": 1, "sqs:SendMessage": 1}, Decimal(6), Decimal(9), 230),
    Profile("delivery", "delivery_sends", 512, False, {"dynamodb:GetItem": 5, "dynamodb:Query": 3,
            "s3:GetObject": 2, "dynamodb:PutItem": 2, "s3:PutObject": 1, "dynamodb:TransactWriteItems": 1},
            Decimal(7), Decimal(9), 610),
    Profile("catalogue", "api_handler", 512, True, {"dynamodb:GetItem": 1}, Decimal(1), Decimal(0), 35),
)


@dataclass(frozen=True)
class Jst:
    terc: str
    name: str
    kind: str
    size: float  # how busy it is (a powiat or a town more than a village)


def region(seed: int = SEED, *, powiaty: int = POWIATY, gminy: int = GMINY) -> list[Jst]:
    """The JSTs: powiaty 1401…, their gminy 14PPGGR (the last digit the gmina's kind, as TERYT has it)."""
    rng = random.Random(seed)
    found: list[Jst] = []
    share = [gminy // powiaty + (1 if i < gminy % powiaty else 0) for i in range(powiaty)]
    for p in range(powiaty):
        code = f"14{p + 1:02d}"
        stem = STEMS[p % len(STEMS)]
        found.append(Jst(code, f"Powiat {stem.lower()}{'owski' if p % 2 else 'ecki'}", "powiat", 3.0))
        for g in range(share[p]):
            digit, kind, title = GMINA_KINDS[rng.choices((0, 1, 2), weights=(1, 6, 3))[0]]
            place = f"{STEMS[(p + g) % len(STEMS)]}{ENDINGS[(p * 7 + g) % len(ENDINGS)]}"
            size = {"1": 4.0, "2": 0.6, "3": 1.5}[digit] * rng.uniform(0.5, 1.5)
            found.append(Jst(f"{code}{g + 1:02d}{digit}", f"{title} {place}", kind, size))
    return found


def _nrb(seed: int) -> str:
    """A checksum-valid Polish account number (IBAN mod 97 with PL = 2521)."""
    body = f"10901014{seed:016d}"
    check = 98 - int(body + "252100") % 97
    return f"{check:02d}{body}"


def config(jst: Jst, index: int) -> Any:
    """The JST's TenantConfig (validated as the tenants module validates a file)."""
    from chalicelib.model.tenant import TenantConfig

    letters = "".join(chr(ord("A") + (index // 26 ** i) % 26) for i in range(5))
    return TenantConfig.model_validate({
        "terc": jst.terc, "name": jst.name, "office_name": f"Urząd — {jst.name}", "kind": jst.kind,
        "address": {"street": "ul. Główna", "building": str(1 + index % 90),
                    "postal_code": f"0{index % 10}-{index % 1000:03d}", "city": jst.name.split()[-1]},
        "contact": {"email": f"urzad{index}@jst.demo.eurzad.pl", "phone": "+48 22 000 00 00"},
        "bank_account": _nrb(index + 1),
        "edelivery_address": f"AE:PL-{index:05d}-{jst.terc[:5].ljust(5, '0')}-{letters}-{index % 100:02d}",
        "departments": [{"symbol": "OR", "name": "Wydział Organizacyjny"},
                        {"symbol": "FN", "name": "Wydział Finansowy"}],
        "services": [{"id": "pismo-ogolne"}, {"id": "zaswiadczenie-o-niezaleganiu"}],
    })


def tenant_item(jst: Jst, index: int) -> dict[str, Any]:
    """The TenantTable item, serialized by the tenants module's own PynamoDB model."""
    from chalicelib.modules.tenants.resources import TenantTable

    item = TenantTable(terc=jst.terc, config=config(jst, index).model_dump_json(), version=1,
                       updated_at=datetime(2026, 1, 2, tzinfo=UTC), updated_by="bench")
    serialized: dict[str, Any] = item.serialize()
    return serialized


def combinations(jst: Jst, services: int, rng: random.Random) -> list[tuple[Profile, str]]:
    """`services` distinct (profile, catalogue service) rows a day for this JST."""
    every = [(p, s) for p in PROFILES for s in CATALOGUE]
    return rng.sample(every, min(services, len(every)))


def _n(value: Decimal | int | float) -> dict[str, str]:
    return {"N": str(Decimal(str(value)).quantize(Decimal("0.000001")).normalize())}


def metering_items(jst: Jst, month: str, *, days: int, services: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """A month of this JST's metering rows (DynamoDB JSON), `services` rows on each of the first `days` days."""
    rng = random.Random(f"{seed}-{jst.terc}-{month}")
    chosen = combinations(jst, services, rng)
    last = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
    for day in range(1, min(days, last) + 1):
        stamp = f"{month}-{day:02d}"
        for profile, service in chosen:
            invocations = max(1, int(rng.expovariate(1 / (4 * jst.size))))
            duration = Decimal(invocations * profile.duration_ms) * Decimal(str(round(rng.uniform(0.8, 1.3), 3)))
            item: dict[str, Any] = {
                "pk": {"S": f"T#{jst.terc}"},
                "sk": {"S": f"D#{stamp}#M#{profile.module}#S#{service}#F#{profile.function}"},
                "day": {"S": stamp}, "tenant": {"S": jst.terc}, "module": {"S": profile.module},
                "service": {"S": service}, "function": {"S": profile.function},
                "memory_mb": {"N": str(profile.memory_mb)},
                "invocations": _n(invocations), "api_requests": _n(invocations if profile.http else 0),
                "errors": _n(1 if rng.random() < 0.02 else 0), "duration_ms": _n(duration),
                "gb_seconds": _n(Decimal(profile.memory_mb) / 1024 * duration / 1000),
                "read_units": _n(profile.read_units * invocations),
                "write_units": _n(profile.write_units * invocations),
                "aws_requests": _n(invocations * sum(profile.requests.values())), "metering_writes": _n(invocations),
            }
            for operation, count in profile.requests.items():
                item[f"aws:{operation}"] = _n(count * invocations)
            yield item


def _write(client: Any, table: str, items: Sequence[dict[str, Any]]) -> int:
    """One BatchWriteItem (and its unprocessed items again); the requests made."""
    pending: list[dict[str, Any]] = [{"PutRequest": {"Item": i}} for i in items]
    made = 0
    while pending:
        made += 1
        answer = client.batch_write_item(RequestItems={table: pending})
        pending = answer.get("UnprocessedItems", {}).get(table, [])
        if pending:
            time.sleep(0.05)
    return made


def write(items: Iterator[dict[str, Any]], table: str, *, threads: int = 4) -> tuple[int, int]:
    """Every item by BatchWriteItem of 25, a few batches at once: (items, requests)."""
    import boto3

    client = boto3.client("dynamodb")
    batches: list[list[dict[str, Any]]] = []
    count = 0
    for item in items:
        if not batches or len(batches[-1]) == BATCH:
            batches.append([])
        batches[-1].append(item)
        count += 1
    with ThreadPoolExecutor(max_workers=threads) as pool:
        made = sum(pool.map(lambda b: _write(client, table, b), batches))
    return count, made


def write_region(jsts: Sequence[Jst], month: str, *, days: int, services: int, seed: int = SEED,
                 with_tenants: bool = True) -> dict[str, int]:
    """The JSTs' configurations and their month of metering rows into the emulator's tables."""
    from chalicelib.resources import table_name

    written = {"tenants": 0, "rows": 0, "requests": 0}
    if with_tenants:
        n, made = write((tenant_item(j, i) for i, j in enumerate(jsts)), table_name("tenants"))
        written["tenants"], written["requests"] = n, made
    rows = (item for j in jsts for item in metering_items(j, month, days=days, services=services, seed=seed))
    n, made = write(rows, table_name("metering"))
    written["rows"], written["requests"] = n, written["requests"] + made
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--services", type=int, default=30)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    jsts = region(args.seed)
    done = write_region(jsts, args.month, days=args.days, services=args.services, seed=args.seed)
    print(f"{len(jsts)} JSTs, {done['rows']} rows, {done['requests']} requests, "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
