"""The payments tests' set-up: A and B with merchant accounts at the sandbox gateway (for this module), and the
merchant's urlStatus as a local receiver the tests read the gateway's notifications from."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from chalicelib.core.clock import SystemClock, set_clock
from chalicelib.core.settings import get_settings
from chalicelib.integrations.payment_gateway import Merchant
from tests import queues
from tests.payments import Receiver, with_payments
from tests.payments_gateway import PaymentsGateway


@pytest.fixture(scope="module")
def merchants(platform: None, payments_gateway: PaymentsGateway,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Merchant]]:
    yield with_payments(payments_gateway, tmp_path_factory.mktemp("region"))
    from chalicelib import cli
    from tests.integration.conftest import demo_files

    cli.tenants_apply(demo_files())


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """The API's public URL, as the gateway is given it, is the receiver's: the tests post what it received."""
    r = Receiver()
    os.environ["EURZAD_PUBLIC_API_URL"] = r.url
    get_settings.cache_clear()
    yield r
    r.close()
    os.environ.pop("EURZAD_PUBLIC_API_URL", None)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _clean(platform: None) -> Iterator[None]:
    queues.purge("payment-requests")
    yield
    set_clock(SystemClock())
