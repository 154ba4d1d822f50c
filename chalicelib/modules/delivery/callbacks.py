"""The e-Delivery box's callbacks: the subscription of a JST's ADE (made with its first e-Delivery letter) and
what a callback does.

Authentication: a secret token in the callback's URL (`/v1/edelivery/callbacks/{token}`, 256 random bits, one per
JST's ADE, stored with the subscription and compared in constant time): the box signs nothing we could check, and
HTTPS keeps the URL secret. A callback is only a hint: its status is never taken from the body, the delivery's
state is read back from the box (so a forged or replayed callback can at most make us ask the box again).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Any

from chalicelib.core.errors import NotFound
from chalicelib.core.http import public_base_url
from chalicelib.core.observability import logger
from chalicelib.integrations.edelivery import EDeliveryError
from chalicelib.modules.delivery import wiring

PATH = "/v1/edelivery/callbacks/"


def new_token() -> str:
    """256 random bits as hex: a path segment the API routes (an id there starts with a letter or digit, which
    `token_urlsafe` breaks once in 32 with a leading "-" or "_")."""
    return secrets.token_hex(32)


def ensure_subscription(address: str, request: Any) -> None:
    """Subscribe the JST's ADE to the box's callbacks once; a failure is logged (the poller covers it).

    The token is stored before the box hears of it, so a function killed after subscribing leaves a URL we know;
    a stored token without a subscription is subscribed again (at worst the box calls one URL twice)."""
    store = wiring.deliveries()
    found = store.subscription(address)
    if found is not None and found["subscription_id"]:
        return
    base = public_base_url(request)
    if base is None:
        logger.warning("no public API URL known: e-Delivery callbacks not subscribed (the poller follows)")
        return
    if found is None:
        token = new_token()
        url = base + PATH + token
        # a concurrent first letter may have claimed it first: its token is then the one to subscribe
        found = {"token": token, "url": url} if store.claim_subscription(address, token, url) \
            else store.subscription(address)
        if found is None:
            return
    token, url = found["token"], found["url"]
    try:
        subscription_id = wiring.box().subscribe(address, url)
    except EDeliveryError:
        logger.exception("e-Delivery subscription failed; the poller follows the deliveries")
        return
    store.put_subscription(address, token, subscription_id, url)


def handle(token: str, address: str, box_message_id: str, now: datetime) -> bool:
    """Refresh the delivery the callback names; 404 for a token that is not the address's subscription's."""
    store = wiring.deliveries()
    subscription = store.subscription(address)
    if subscription is None or not hmac.compare_digest(str(subscription["token"]).encode(), token.encode()):
        raise NotFound("Nie ma takiego zasobu.", code="not_found")
    key = store.by_message(box_message_id)
    if key is None:
        return False
    try:
        wiring.logic.refresh(wiring.ports(), key, now)
    except EDeliveryError:
        logger.exception("e-Delivery status not read on callback; the poller follows")
    return True
