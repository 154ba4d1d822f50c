"""Delivering the office's letters against the emulator and the sandbox e-Delivery box, with the clocks moved
together: collected on day 3 (delivered that day, the appeal term from it, final after it), never collected
(deemed delivered on D+15 and not on D+14, the day-7 reminder), a public body (delivered on arrival), no ADE
(paper, the print file, the return receipt), a failed send retried and then shown to the clerk. Every evidence
verifies with xmlsec1 and fails after one changed byte."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.modules.delivery import wiring
from tests import signing
from tests.conftest import auth
from tests.emulator import sent_emails
from tests.files import make_pdf
from tests.integration.delivery_setup import (
    CLERK,
    OTHER_JST_ADE,
    World,
    ade,
    case_with_letter,
    delivery,
    fetched,
    follow,
    history,
    post,
    run_sends,
    send,
    warsaw,
    world_fixture,  # noqa: F401  (the fixture `world`)
)
from tests.integration.test_case_signs import A

pytestmark = pytest.mark.usefixtures("platform")


def evidence_xml(api: Any, case_id: str, delivery_id: str, evidence_id: str,
                 headers: dict[str, str] = CLERK, mine: bool = False) -> bytes:
    path = (f"/v1/me/cases/{case_id}/deliveries/{delivery_id}/evidences/{evidence_id}" if mine
            else f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}/evidences/{evidence_id}")
    link = api.http.get(path, headers=headers)
    assert link.status_code == 200, link.body
    return fetched(link.json_body["url"])


def assert_verifies(xml: bytes, root_pem: bytes, tmp_path: Path) -> None:
    verified = signing.xmlsec1_as_clerk(xml, root_pem, tmp_path)
    assert verified.returncode == 0, verified.stderr
    marker = b"AE:PL-" if b"AE:PL-" in xml else b"2031-"
    at = xml.index(marker) + len(marker)
    tampered = xml[:at] + bytes([xml[at] ^ 1]) + xml[at + 1:]  # one changed byte in the signed content
    assert signing.xmlsec1_as_clerk(tampered, root_pem, tmp_path).returncode != 0


def test_collected_on_day_3_is_delivered_on_day_3_and_the_decision_is_final_after_its_appeal_term(
        api: Any, world: World, tmp_path: Path) -> None:
    # Given a decision sent on Monday 2031-03-03 to the party's ADE
    case_id, letter_id, owner = case_with_letter(api)
    resident = ade()
    world.box.register(resident, "Jan Kowalski")
    sent = send(api, case_id, letter_id, {"ade": resident})
    assert sent.status_code == 201, sent.body
    assert (sent.json_body["channel"], sent.json_body["status"]) == ("e-doreczenie", "do_wyslania")
    assert send(api, case_id, letter_id, {"ade": resident}).status_code == 200  # the same key: the same delivery
    assert send(api, case_id, letter_id, {"ade": resident}, key="inny-klucz").status_code == 409  # once per letter
    run_sends(api)
    delivery_id = sent.json_body["delivery_id"]
    waiting = delivery(api, case_id, delivery_id)
    assert waiting["status"] == "czeka_na_odbior"
    assert [e["kind"] for e in waiting["evidences"]] == ["dowod_wyslania"]
    # When the party collects it on Thursday 2031-03-06 (day 3)
    world.at(warsaw(2031, 3, 6, 18, 30))
    world.box.collect(resident, _box_id(delivery_id, case_id))
    follow(world)
    # Then it is delivered on day 3, with the provider's dowód otrzymania, and the appeal term runs from it
    done = delivery(api, case_id, delivery_id)
    assert (done["status"], done["delivered_on"], done["deemed"]) == ("doreczona", "2031-03-06", False)
    assert done["appeal_until"] == "2031-03-20" and done["final_on"] is None
    assert [e["kind"] for e in done["evidences"]] == ["dowod_wyslania", "dowod_otrzymania"]
    # every evidence verifies (the clerk's and the party's download alike) and fails after one changed byte
    mine = auth("resident", subject=owner)
    for evidence in done["evidences"]:
        xml = evidence_xml(api, case_id, delivery_id, evidence["id"])
        assert xml == evidence_xml(api, case_id, delivery_id, evidence["id"], mine, mine=True)
        assert_verifies(xml, world.box.root.cert_pem(), tmp_path)
    # not final on the term's last day, final the day after, shown on the case's history
    world.at(warsaw(2031, 3, 20, 23, 0))
    follow(world)
    assert delivery(api, case_id, delivery_id)["final_on"] is None
    world.at(warsaw(2031, 3, 21, 0, 5))
    follow(world)
    assert delivery(api, case_id, delivery_id)["final_on"] == "2031-03-21"
    reasons = [h["reason"] for h in history(api, case_id)]
    assert any("doręczone dnia 06.03.2031" in r for r in reasons)
    assert any("stała się ostateczna z dniem 21.03.2031" in r for r in reasons), reasons
    # the party sees the state, the dates and the evidences, never the clerk's trail
    seen = api.http.get(f"/v1/me/cases/{case_id}/deliveries", headers=mine)
    assert seen.status_code == 200, seen.body
    [item] = seen.json_body["items"]
    assert (item["status"], item["appeal_until"], item["final_on"]) == ("doreczona", "2031-03-20", "2031-03-21")
    assert "events" not in item and "created_by" not in item
    assert api.http.get(f"/v1/me/cases/{case_id}/deliveries", headers=auth("resident", subject="x")).status_code == 404


def _box_id(delivery_id: str, case_id: str) -> str:
    stored = wiring.deliveries().get(A, case_id, delivery_id)
    assert stored is not None
    return str(stored.record["box_message_id"])


def test_never_collected_is_deemed_delivered_on_d15_not_d14_with_a_reminder_on_day_7(
        api: Any, world: World, tmp_path: Path) -> None:
    case_id, letter_id, _ = case_with_letter(api, email="jan.kowalski@example.com")
    resident = ade()
    world.box.register(resident, "Jan Kowalski")
    delivery_id = send(api, case_id, letter_id, {"ade": resident}).json_body["delivery_id"]
    run_sends(api)  # arrived Monday 2031-03-03 -> D+15 = Tuesday 2031-03-18
    # day 7: one courtesy reminder, however often the follower runs
    world.at(warsaw(2031, 3, 10, 8, 30))
    follow(world)
    follow(world)
    reminders = [m for m in sent_emails() if "jan.kowalski@example.com" in m["To"]
                 and "Czeka na Ciebie pismo" in str(m["Subject"]) and case_sign(api, case_id) in str(m["Subject"])]
    assert len(reminders) == 1, reminders
    assert "18.03.2031" in reminders[0]["BodyText"]
    # D+14, a minute before midnight: still waiting
    world.at(warsaw(2031, 3, 17, 23, 59))
    follow(world)
    assert delivery(api, case_id, delivery_id)["status"] == "czeka_na_odbior"
    # D+15: deemed delivered on that day, with the provider's dowód stating it
    world.at(warsaw(2031, 3, 18, 0, 1))
    follow(world)
    deemed = delivery(api, case_id, delivery_id)
    assert (deemed["status"], deemed["delivered_on"], deemed["deemed"]) == ("doreczona_z_mocy_prawa", "2031-03-18",
                                                                           True)
    assert deemed["appeal_until"] == "2031-04-01"
    kinds = {e["kind"]: e for e in deemed["evidences"]}
    assert set(kinds) == {"dowod_wyslania", "dowod_otrzymania_uznane"}
    assert kinds["dowod_otrzymania_uznane"]["event_at"].startswith("2031-03-17T23:00")  # 00:00 Warsaw
    for evidence in deemed["evidences"]:
        assert_verifies(evidence_xml(api, case_id, delivery_id, evidence["id"]), world.box.root.cert_pem(), tmp_path)
    # an appeal recorded in time keeps the decision from becoming final
    world.at(warsaw(2031, 3, 25, 10, 0))
    appealed = post(api, f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}/appeal",
                    {"received_on": "2031-03-25"})
    assert appealed.status_code == 200, appealed.body
    world.at(warsaw(2031, 4, 3, 10, 0))
    follow(world)
    assert delivery(api, case_id, delivery_id)["final_on"] is None


def case_sign(api: Any, case_id: str) -> str:
    return str(api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"]["case_sign"])


def test_a_public_body_is_delivered_on_arrival(api: Any, world: World, tmp_path: Path) -> None:
    case_id, letter_id, _ = case_with_letter(api, kind="pismo")
    sent = send(api, case_id, letter_id, {"ade": OTHER_JST_ADE})  # a JST of the platform: a public body
    assert sent.json_body["channel"] == "organ-publiczny", sent.body
    run_sends(api)
    done = delivery(api, case_id, sent.json_body["delivery_id"])
    assert (done["status"], done["delivered_on"]) == ("doreczona", "2031-03-03")
    assert done["appeal_until"] is None  # a letter, not a decision
    assert {e["kind"] for e in done["evidences"]} == {"dowod_wyslania", "dowod_otrzymania"}


def test_no_ade_goes_on_paper_with_the_print_file_and_the_return_receipt(
        api: Any, world: World, demo_pki: Any, tmp_path: Path) -> None:
    case_id, letter_id, _ = case_with_letter(api)
    refused = send(api, case_id, letter_id, {})
    assert refused.status_code == 422 and refused.json_body["error"]["details"][0]["field"] == "address"
    sent = send(api, case_id, letter_id, {"address": ["ul. Źródlana 12", "05-500 Piaseczno"]}, key="papier-1")
    assert sent.status_code == 201, sent.body
    assert (sent.json_body["channel"], sent.json_body["status"]) == ("papier", "do_wydruku")
    delivery_id = sent.json_body["delivery_id"]
    base = f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}"
    link = api.http.get(f"{base}/print-file", headers=CLERK)
    assert link.status_code == 200, link.body
    with zipfile.ZipFile(io.BytesIO(fetched(link.json_body["url"]))) as package:
        names = package.namelist()
        assert names == ["01-arkusz-adresowy.pdf", "02-decyzja.pdf"]
        assert all(package.read(n).startswith(b"%PDF-") for n in names)
    # the return receipt: a date in the future is refused, then the real one with its scan
    world.at(warsaw(2031, 3, 10, 12, 0))
    scan = base64.b64encode(make_pdf()).decode()
    future = post(api, f"{base}/return-receipt", {"delivered_on": "2031-03-11", "scan_base64": scan})
    assert future.status_code == 422 and future.json_body["error"]["details"][0]["field"] == "delivered_on"
    entered = post(api, f"{base}/return-receipt", {"delivered_on": "2031-03-07", "scan_base64": scan})
    assert entered.status_code == 200, entered.body
    body = entered.json_body
    assert (body["status"], body["delivered_on"], body["appeal_until"]) == ("doreczona", "2031-03-07", "2031-03-21")
    [receipt] = body["evidences"]
    assert (receipt["kind"], receipt["issuer"]) == ("potwierdzenie_odbioru", "urząd")
    assert_verifies(evidence_xml(api, case_id, delivery_id, receipt["id"]), demo_pki.root.cert_pem(), tmp_path)
    case = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"]
    assert any(f["title"].startswith("Potwierdzenie odbioru") and not f["for_party"] for f in case["files"])


def test_a_failed_send_is_retried_then_shown_to_the_clerk_and_sent_again(api: Any, world: World) -> None:
    case_id, letter_id, _ = case_with_letter(api, kind="pismo")
    resident = ade()
    world.box.register(resident, "Jan Kowalski")
    world.box.fail_next_sends(5)
    delivery_id = send(api, case_id, letter_id, {"ade": resident}).json_body["delivery_id"]
    run_sends(api)
    first = delivery(api, case_id, delivery_id)
    assert (first["status"], first["attempts"]) == ("do_wyslania", 1)
    # the follower tries again only when the backoff has passed
    follow(world)
    assert delivery(api, case_id, delivery_id)["attempts"] == 1
    for hour, minute in ((9, 3), (9, 10), (9, 30), (10, 5)):  # backoff after each failure: 2, 5, 15, 30 minutes
        world.at(warsaw(2031, 3, 3, hour, minute))
        follow(world)
    failed = delivery(api, case_id, delivery_id)
    assert (failed["status"], failed["attempts"]) == ("nieudana", 5), failed
    listed = api.http.get(f"/v1/tenants/{A}/deliveries/failed", headers=CLERK)
    assert delivery_id in [d["delivery_id"] for d in listed.json_body["items"]]
    assert any("nieudana po 5 próbach" in h["reason"] for h in history(api, case_id))
    # "send again": the box works now, the letter goes (once)
    again = post(api, f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}/resend", {})
    assert again.status_code == 200, again.body
    run_sends(api)
    assert delivery(api, case_id, delivery_id)["status"] == "czeka_na_odbior"
    listed = api.http.get(f"/v1/tenants/{A}/deliveries/failed", headers=CLERK)
    assert delivery_id not in [d["delivery_id"] for d in listed.json_body["items"]]


def test_the_callback_needs_its_secret_token_and_reads_the_status_back(api: Any, world: World) -> None:
    case_id, letter_id, _ = case_with_letter(api, kind="pismo")
    resident = ade()
    world.box.register(resident, "Jan Kowalski")
    delivery_id = send(api, case_id, letter_id, {"ade": resident}).json_body["delivery_id"]
    run_sends(api)
    subscription = wiring.deliveries().subscription("AE:PL-14180-43000-DEMOA-01")
    assert subscription is not None and subscription["url"].endswith(subscription["token"])
    box_id = _box_id(delivery_id, case_id)
    world.at(warsaw(2031, 3, 4, 10, 0))
    world.box.collect(resident, box_id)
    hint = {"eDeliveryAddress": "AE:PL-14180-43000-DEMOA-01", "messageId": box_id, "status": "DELIVERED"}
    wrong = post(api, f"/v1/edelivery/callbacks/{'x' * 43}", hint, headers={})
    assert wrong.status_code == 404
    assert delivery(api, case_id, delivery_id)["status"] == "czeka_na_odbior"
    right = post(api, f"/v1/edelivery/callbacks/{subscription['token']}", hint, headers={})
    assert right.status_code == 200 and right.json_body == {"accepted": True}, right.body
    assert (delivery(api, case_id, delivery_id)["status"], delivery(api, case_id, delivery_id)["delivered_on"]) == (
        "doreczona", "2031-03-04")


def test_a_send_killed_after_the_box_subscribed_still_knows_the_callbacks_token(
        api: Any, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules.delivery.repository import DynamoDeliveries
    from chalicelib.modules.delivery.resources import DeliveryTable

    DeliveryTable(pk="SUB#AE:PL-14180-43000-DEMOA-01", sk="SUB").delete()  # the office's first letter again
    box = wiring.box()
    subscribed: list[str] = []  # the callback URLs the box is given in this test (it keeps earlier tests' too)
    real_subscribe = box.subscribe
    monkeypatch.setattr(box, "subscribe", lambda address, url: subscribed.append(url) or real_subscribe(address, url))
    case_id, letter_id, _ = case_with_letter(api, kind="pismo")
    resident = ade()
    world.box.register(resident, "Jan Kowalski")

    def killed(*_: Any) -> None:
        raise SystemExit("Task timed out")  # the function dies once the box has taken the subscription

    with monkeypatch.context() as patched:
        patched.setattr(DynamoDeliveries, "put_subscription", killed)
        with pytest.raises(SystemExit):
            send(api, case_id, letter_id, {"ade": resident})
    assert len(subscribed) == 1
    again = send(api, case_id, letter_id, {"ade": resident})  # the clerk sends again: the same delivery
    assert again.status_code == 200, again.body
    run_sends(api)
    box_id = _box_id(again.json_body["delivery_id"], case_id)
    world.box.collect(resident, box_id)
    hint = {"eDeliveryAddress": "AE:PL-14180-43000-DEMOA-01", "messageId": box_id, "status": "DELIVERED"}
    answer = post(api, "/v1/edelivery/callbacks/" + subscribed[0].rsplit("/", 1)[1], hint, headers={})
    assert answer.status_code == 200 and answer.json_body == {"accepted": True}, answer.body
    assert delivery(api, case_id, again.json_body["delivery_id"])["status"] == "doreczona"
    # the next letter's send completes the subscription, with the token the box already calls
    case_2, letter_2, _ = case_with_letter(api, kind="pismo")
    assert send(api, case_2, letter_2, {"ade": resident}, key="wysylka-2").status_code == 201
    stored = wiring.deliveries().subscription("AE:PL-14180-43000-DEMOA-01")
    assert stored is not None and stored["subscription_id"] and subscribed[-1] == subscribed[0] == stored["url"]


def test_callback_tokens_are_path_segments_the_api_routes() -> None:
    from chalicelib.core import inputs
    from chalicelib.modules.delivery import callbacks

    tokens = {callbacks.new_token() for _ in range(2000)}  # one in 32 of `token_urlsafe` began with "-" or "_"
    assert len(tokens) == 2000 and all(inputs.is_path_id(t) and len(t) >= 43 for t in tokens)


def test_only_the_cases_clerk_sends_and_nobody_else_reads_the_deliveries(api: Any, world: World) -> None:
    case_id, letter_id, owner = case_with_letter(api, kind="pismo")
    path = f"/v1/tenants/{A}/cases/{case_id}/letters/{letter_id}/delivery"
    address = {"channel": "papier", "address": ["ul. Polna 1", "05-500 Piaseczno"]}
    colleague = auth("clerk", A, subject="clerk-inny", department="FN")
    refused = post(api, path, address, key="obcy-klucz-1", headers=colleague)
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "not_assignee"
    other_jst = auth("clerk", "1418032", subject="clerk-b", department="FN")
    assert post(api, path, address, key="obcy-klucz-2", headers=other_jst).status_code == 403
    assert post(api, f"/v1/tenants/{A}/cases/{case_id}/letters/{'0' * 32}/delivery", address,
                key="zly-list-1").status_code == 404
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}/deliveries", headers=CLERK).json_body["count"] == 0
    sent = send(api, case_id, letter_id, address)
    assert sent.status_code == 201, sent.body
    delivery_id = sent.json_body["delivery_id"]
    # a department's other clerk reads it; another department, another JST and another resident do not
    one = f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}"
    assert api.http.get(one, headers=colleague).status_code == 200
    assert api.http.get(one, headers=auth("clerk", A, subject="clerk-gk", department="GK")).status_code == 403
    stranger = auth("resident", subject="ktos-inny")
    assert api.http.get(f"/v1/me/cases/{case_id}/deliveries", headers=stranger).status_code == 404
    mine = auth("resident", subject=owner)
    assert api.http.get(f"/v1/me/cases/{case_id}/deliveries", headers=mine).status_code == 200
    # a colleague may not enter its return receipt
    receipt = post(api, f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}/return-receipt",
                   {"delivered_on": "2031-03-03", "scan_base64": "JVBERi0xLjQ="}, headers=colleague)
    assert receipt.status_code == 403


def test_a_letter_the_box_cannot_deliver_goes_on_paper_instead(api: Any, world: World) -> None:
    case_id, letter_id, _ = case_with_letter(api, kind="pismo")
    nobody = ade()  # no such box in the sandbox: Niedoręczona
    delivery_id = send(api, case_id, letter_id, {"ade": nobody}).json_body["delivery_id"]
    run_sends(api)
    undelivered = delivery(api, case_id, delivery_id)
    assert undelivered["status"] == "niedoreczona", undelivered
    listed = api.http.get(f"/v1/tenants/{A}/deliveries/failed", headers=CLERK).json_body["items"]
    assert delivery_id in [d["delivery_id"] for d in listed]
    resend = f"/v1/tenants/{A}/cases/{case_id}/deliveries/{delivery_id}/resend"
    no_address = post(api, resend, {})
    assert no_address.status_code == 422 and no_address.json_body["error"]["details"][0]["field"] == "address"
    paper = post(api, resend, {"address": ["ul. Polna 1", "05-500 Piaseczno"]})
    assert paper.status_code == 200, paper.body
    assert (paper.json_body["channel"], paper.json_body["status"]) == ("papier", "do_wydruku")
    assert paper.json_body["recipient"]["address"] == ["ul. Polna 1", "05-500 Piaseczno"]
    assert any("niedoręczone elektronicznie" in h["reason"] for h in history(api, case_id))
