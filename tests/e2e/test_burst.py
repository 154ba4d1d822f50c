"""The local API of `make run` under a burst: parallel residents on a freshly deployed stack are all answered.

The emulator starts a worker per request that finds none idle, so thirty at once on two cores used to overrun
every timeout (HTML 502 "emulator unreachable: timed out", or connections reset by a backlog of 5) while the
submissions were mostly stored anyway. This file runs first among the e2e tests, on the session's new stack.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.cli import load_definitions
from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually
from tests.formdata import PESEL, valid_data

A = "1418043"
RESIDENT = "e2e-burst-ola"
# A patient client, as curl is by default: the burst waits its turn instead of failing.
CLIENT_TIMEOUT = 240


def me() -> dict[str, str]:
    """Signed in through the national login as the applicant the form data names (Jan Kowalski)."""
    return auth("resident", subject=RESIDENT, pesel=PESEL, given_name="Jan", family_name="Kowalski")


def no_attachment(field: str) -> str:
    raise AssertionError(f"pismo-ogolne needs no attachment ({field})")


def post(api: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int | str, Any]:
    """(status, JSON body), or ("reset"/"timeout: ...", raw text) when the client got no HTTP answer."""
    req = urllib.request.Request(api + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=CLIENT_TIMEOUT) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw)
        except ValueError:
            return err.code, raw[:200]
    except OSError as exc:
        return f"no answer: {exc}", None


def test_thirty_parallel_submissions_on_a_fresh_stack_all_get_201(local_api: Stack) -> None:
    defn = next(d for d in load_definitions() if d.id == "pismo-ogolne")
    data = valid_data(defn, no_attachment)

    def submit(n: int) -> tuple[int | str, Any]:
        return post(local_api.api, f"/v1/tenants/{A}/services/pismo-ogolne/submissions", {"data": data},
                    {**me(), "Idempotency-Key": f"e2e-fala-{n:02d}"})

    with ThreadPoolExecutor(max_workers=30) as pool:
        replies = list(pool.map(submit, range(30)))

    failed = [r for r in replies if r[0] != 201]
    assert failed == [], f"{len(failed)} of 30 not 201: {failed[:3]}"
    ids = {body["submission_id"] for _, body in replies}
    assert len(ids) == 30
    mine = local_api.call("GET", "/v1/me/submissions", headers=me())
    assert mine.status == 200
    assert ids <= {s["submission_id"] for s in mine.body["items"]}

    def registered() -> Any:
        """every submission of the burst is in the inbox with its case sign"""
        shown = [local_api.call("GET", f"/v1/me/submissions/{sid}", headers=me()).body for sid in ids]
        return [s["case_sign"] for s in shown] if all(s.get("case_sign") for s in shown) else None

    assert len(set(eventually(registered, timeout=240))) == 30


def test_head_answers_with_the_headers_of_get_and_no_body(local_api: Stack) -> None:
    with urllib.request.urlopen(local_api.api + "/v1/catalogue", timeout=60) as resp:
        got = resp.read()
    req = urllib.request.Request(local_api.api + "/v1/catalogue", method="HEAD")
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("application/json")
        assert int(resp.headers["Content-Length"]) == len(got)
        assert resp.read() == b""
