"""The audit chain's rules on a hand-made chain: the hash is SHA-256 over sorted-key compact UTF-8 JSON, each entry
links to the one before, and each kind of tampering (changed, removed, reordered, cut at the end) is named."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from chalicelib.modules.audit import logic
from chalicelib.modules.audit.logic import GENESIS, Actor, Change, Head

TERC = "1418043"
ANNA = Actor("clerk-anna", "Anna Nowak")


def change(action: str, n: int) -> Change:
    return Change(action, ANNA, f"2031-03-0{n}T09:00:00.000000Z", case_id="c1", case_sign="FN.3120.1.2031",
                  details={"to": "w_toku", "reason": "Przydział żółtej teczki"}, correlation_id=f"corr-{n}")


def chain(n: int = 5) -> tuple[list[dict[str, Any]], Head]:
    entries, head = logic.link(TERC, Head(), [change("case.transition", i) for i in range(1, n + 1)])
    return entries, head


def stored(entries: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """As the repository reads them: by the number in each entry's key."""
    return [(i + 1, e) for i, e in enumerate(entries)]


def test_the_hash_is_sha256_of_the_canonical_json_of_everything_but_the_hash() -> None:
    entries, head = chain(2)
    first = entries[0]
    by_hand = ('{"action":"case.transition","actor":"clerk-anna","actor_name":"Anna Nowak","at":'
               '"2031-03-01T09:00:00.000000Z","case_id":"c1","case_sign":"FN.3120.1.2031","correlation_id":"corr-1",'
               '"details":{"reason":"Przydział żółtej teczki","to":"w_toku"},"prev_hash":"' + GENESIS + '","seq":1,'
               '"terc":"1418043"}')
    assert first["hash"] == hashlib.sha256(by_hand.encode("utf-8")).hexdigest()
    assert (first["seq"], first["prev_hash"]) == (1, GENESIS)
    assert (entries[1]["seq"], entries[1]["prev_hash"]) == (2, first["hash"])
    assert head == Head(2, entries[1]["hash"])


def test_a_whole_chain_verifies() -> None:
    entries, head = chain()
    assert logic.verify(TERC, stored(entries), head) == (5, [])
    assert logic.verify(TERC, [], None) == (0, [])


def test_appending_after_a_head_continues_the_chain() -> None:
    entries, head = chain(3)
    more, after = logic.link(TERC, head, [change("document.read", 4)])
    assert more[0]["prev_hash"] == head.hash and after.seq == 4
    assert logic.verify(TERC, stored(entries + more), after) == (4, [])


def kinds(problems: list[logic.Problem]) -> list[tuple[int, str]]:
    return [(p.seq, p.kind) for p in problems]


def test_a_changed_field_is_named_by_its_entry() -> None:
    entries, head = chain()
    entries[2]["details"]["reason"] = "inny powód"
    count, problems = logic.verify(TERC, stored(entries), head)
    assert count == 5 and kinds(problems)[0] == (3, "changed")
    assert "wpis nr 3 zmieniony" in problems[0].message


def test_a_changed_entry_with_its_hash_recomputed_breaks_the_next_link() -> None:
    entries, head = chain()
    entries[2]["actor"] = "someone-else"
    entries[2]["hash"] = logic.digest(entries[2])
    _, problems = logic.verify(TERC, stored(entries), head)
    assert kinds(problems) == [(4, "reordered")]


@pytest.mark.parametrize("removed", [1, 3])
def test_a_removed_entry_is_named_missing(removed: int) -> None:
    entries, head = chain()
    kept = [(i, e) for i, e in stored(entries) if i != removed]
    count, problems = logic.verify(TERC, kept, head)
    assert count == 4 and kinds(problems) == [(removed, "missing")]
    assert f"brak wpisu nr {removed}" in problems[0].message


def test_two_swapped_entries_are_named_reordered() -> None:
    entries, head = chain()
    swapped = copy.deepcopy(entries)
    swapped[1], swapped[3] = entries[3], entries[1]
    _, problems = logic.verify(TERC, stored(swapped), head)
    assert kinds(problems)[0] == (2, "reordered")
    assert "pod numerem 2 leży wpis nr 4" in problems[0].message


def test_entries_removed_at_the_end_are_named_by_the_head() -> None:
    entries, head = chain()
    _, problems = logic.verify(TERC, stored(entries[:3]), head)
    assert kinds(problems) == [(4, "head")]
    assert "usunięto wpisy z końca" in problems[0].message


def test_an_entry_of_another_jst_or_beyond_the_head_is_named() -> None:
    entries, head = chain()
    _, problems = logic.verify("1418032", stored(entries), head)
    assert kinds(problems)[0] == (1, "reordered")
    _, problems = logic.verify(TERC, stored(entries), Head(3, entries[2]["hash"]))
    assert kinds(problems) == [(4, "head")]
    _, problems = logic.verify(TERC, stored(entries), None)
    assert kinds(problems) == [(5, "head")]


def test_nothing_to_record_adds_no_write_to_the_transaction() -> None:
    from chalicelib.modules.audit.repository import DynamoAuditChain

    chain = DynamoAuditChain()
    pending = chain.append(TERC, [])
    pending.committed()
    assert pending.writes == [] and chain.heads == {}
