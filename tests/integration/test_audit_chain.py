"""The audit trail in the emulator: a case's life and a staff read leave a chain that `cli audit verify` finds
whole; tampered with in DynamoDB (a field changed, an entry removed, two swapped, the last removed) it names the
entry; twenty changes at once to cases of one JST leave one contiguous chain, no fork."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from chalicelib.core.clock import FixedClock
from chalicelib.modules.audit import repository
from chalicelib.resources import table_name
from tests.conftest import ROOT, auth
from tests.integration.test_case_life import CLERK, START, post, registered
from tests.integration.test_case_signs import A

pytestmark = pytest.mark.usefixtures("platform")
BROKEN = f"{A}: NARUSZONY łańcuch dziennika zdarzeń: "  # the first line names the first problem


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    from chalicelib.core.clock import SystemClock, set_clock

    fixed = FixedClock(START)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def verify(terc: str = A) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chalicelib.cli", "audit", "verify", "--tenant", terc], check=False,
                          cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=120)


def table() -> Any:
    return boto3.resource("dynamodb").Table(table_name("audit-chain"))


def entries_of(case_id: str) -> list[dict[str, Any]]:
    """The case's entries as stored, in the chain's order (read with a query, as the CLI does)."""
    return [e for _, e in repository.DynamoAuditChain().entries(A) if e["case_id"] == case_id]


def raw(seq: int) -> dict[str, Any]:
    item: dict[str, Any] = table().get_item(Key={"pk": f"T#{A}", "sk": repository.entry_sk(seq)},
                                            ConsistentRead=True)["Item"]
    return item


@pytest.fixture
def a_case_read_and_worked(api: Any, clock: FixedClock) -> str:
    """A registered case, taken by a clerk, a summons (wezwanie), its UPP read by the clerk."""
    case_id = registered()
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    summoned = post(api, case_id, "transitions", {"to": "wezwanie", "reason": "Brak pełnomocnictwa",
                                                   "gaps": ["pełnomocnictwo"], "term_days": 7}, CLERK)
    assert summoned.status_code == 200, summoned.body
    read = api.http.get(f"/v1/tenants/{A}/submissions/{case_id}/upp", headers=CLERK)
    assert read.status_code == 200, read.body
    return case_id


def test_a_case_life_and_a_read_are_in_the_chain_and_it_verifies(a_case_read_and_worked: str) -> None:
    entries = entries_of(a_case_read_and_worked)
    assert [e["action"] for e in entries] == ["case.registered", "case.transition", "case.transition",
                                              "document.read"]
    assert [e["actor"] for e in entries] == ["system", "clerk-anna", "clerk-anna", "clerk-anna"]
    assert entries[2]["details"]["to"] == "wezwanie" and entries[3]["details"]["document"] == "upp"
    assert entries[0]["case_sign"] and all(e["correlation_id"] for e in entries)
    result = verify()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{A}: OK") and "wpisów:" in result.stdout


def tampered(case_id: str, tamper: Any) -> subprocess.CompletedProcess[str]:
    """Run verify after `tamper(seqs of the case's entries)`, then put every entry touched back as it was."""
    seqs = [e["seq"] for e in entries_of(case_id)]
    saved = {s: raw(s) for s in seqs}
    last = repository.DynamoAuditChain().stored_head(A)
    assert last is not None
    saved[last.seq] = raw(last.seq)
    try:
        tamper(seqs, saved, last.seq)
        return verify()
    finally:
        for item in saved.values():
            table().put_item(Item=item)
        assert verify().returncode == 0


def key(seq: int) -> dict[str, str]:
    return {"pk": f"T#{A}", "sk": repository.entry_sk(seq)}


def test_tampering_is_found_and_the_entry_named(a_case_read_and_worked: str) -> None:
    case_id = a_case_read_and_worked

    def change_a_field(seqs: list[int], saved: dict[int, Any], last: int) -> None:
        table().update_item(Key=key(seqs[1]), UpdateExpression="SET actor = :a",
                            ExpressionAttributeValues={":a": "clerk-jan"})

    result = tampered(case_id, change_a_field)
    assert result.returncode == 1
    assert f"{BROKEN}wpis nr {seqs_of(case_id)[1]} zmieniony: skrót nie zgadza się z treścią" in result.stderr

    def remove_one(seqs: list[int], saved: dict[int, Any], last: int) -> None:
        table().delete_item(Key=key(seqs[2]))

    result = tampered(case_id, remove_one)
    assert (result.returncode, f"{BROKEN}brak wpisu nr {seqs_of(case_id)[2]} (usunięty)" in result.stderr) == (1, True)

    def swap_two(seqs: list[int], saved: dict[int, Any], last: int) -> None:
        first, second = seqs[1], seqs[3]
        table().put_item(Item=saved[second] | key(first))
        table().put_item(Item=saved[first] | key(second))

    result = tampered(case_id, swap_two)
    first, second = seqs_of(case_id)[1], seqs_of(case_id)[3]
    assert result.returncode == 1
    assert f"{BROKEN}pod numerem {first} leży wpis nr {second}" in result.stderr

    def remove_the_last(seqs: list[int], saved: dict[int, Any], last: int) -> None:
        table().delete_item(Key=key(last))

    last = repository.DynamoAuditChain().stored_head(A)
    assert last is not None
    result = tampered(case_id, remove_the_last)
    assert result.returncode == 1
    assert f"{BROKEN}łańcuch kończy się na wpisie nr {last.seq - 1}, a nagłówek wskazuje nr {last.seq}" in result.stderr
    assert "usunięto wpisy z końca" in result.stderr


def seqs_of(case_id: str) -> list[int]:
    return [e["seq"] for e in entries_of(case_id)]


def test_twenty_changes_at_once_in_one_jst_make_one_contiguous_chain(api: Any, clock: FixedClock) -> None:
    # Given twenty registered cases of one JST
    cases = [registered() for _ in range(20)]
    before = repository.DynamoAuditChain().stored_head(A)
    assert before is not None

    # When twenty clerks' changes arrive at once, one on each case
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda case_id: post(api, case_id, "assignment", {}, CLERK), cases))

    # Then each is written, each with its own entry right after the head as it stood, and the chain verifies
    assert [a.status_code for a in answers] == [200] * 20, [a.body for a in answers if a.status_code != 200]
    after = repository.DynamoAuditChain().stored_head(A)
    assert after is not None and after.seq == before.seq + 20
    new = list(repository.DynamoAuditChain().entries(A, after=before.seq))
    assert [seq for seq, _ in new] == list(range(before.seq + 1, after.seq + 1))
    assert sorted(e["case_id"] for _, e in new) == sorted(cases)
    assert {e["action"] for _, e in new} == {"case.transition"}
    result = verify()
    assert result.returncode == 0, result.stderr


def test_a_read_whose_entry_cannot_be_written_is_refused(api: Any, clock: FixedClock,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = registered()

    def refused(*args: Any, **kwargs: Any) -> None:
        raise repository.ChainContention("the chain is busy")

    monkeypatch.setattr(repository.DynamoAuditChain, "record", refused)
    answer = api.http.get(f"/v1/tenants/{A}/submissions/{case_id}/document", headers=CLERK)
    assert answer.status_code == 503
    assert answer.json_body["error"]["code"] == "audit_unavailable" and "url" not in answer.json_body


def test_the_jst_administrator_pages_through_the_chain(api: Any, a_case_read_and_worked: str) -> None:
    admin = auth("tenant-admin", A)
    head = repository.DynamoAuditChain().stored_head(A)
    assert head is not None and head.seq >= 4
    # The last four entries, in order, with their hashes: the case's life and the read
    page = api.http.get(f"/v1/tenants/{A}/audit-trail?after={head.seq - 4}&limit=3", headers=admin)
    assert page.status_code == 200, page.body
    body = page.json_body
    assert body["head"] == {"seq": head.seq, "hash": head.hash}
    assert [e["seq"] for e in body["items"]] == [head.seq - 3, head.seq - 2, head.seq - 1]
    assert body["next"] == head.seq - 1 and body["items"][1]["prev_hash"] == body["items"][0]["hash"]
    rest = api.http.get(f"/v1/tenants/{A}/audit-trail?after={body['next']}", headers=admin).json_body
    assert [(e["seq"], e["action"]) for e in rest["items"]] == [(head.seq, "document.read")] and rest["next"] is None
    # A clerk, another JST's administrator and a malformed page are refused
    assert api.http.get(f"/v1/tenants/{A}/audit-trail", headers=CLERK).status_code == 403
    assert api.http.get(f"/v1/tenants/{A}/audit-trail", headers=auth("tenant-admin", "1418032")).status_code == 403
    bad = api.http.get(f"/v1/tenants/{A}/audit-trail?limit=0&after=x", headers=admin)
    assert bad.status_code == 422 and bad.json_body["error"]["details"][0]["field"] in ("after", "limit")
