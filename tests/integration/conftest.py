"""Integration tests run against the local AWS emulator (AWS_ENDPOINT_URL), never against stand-ins.

One resources stack per session, from the same declaration the cloud uses; the catalogue and the demo
region are loaded through the operator CLI, as an operator would.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from tests.conftest import ROOT

DEMO = ROOT / "region" / "demo"


def demo_files() -> list[Path]:
    return sorted(DEMO.glob("[0-9]*.yaml"))


@pytest.fixture(scope="session")
def platform() -> Iterator[None]:
    if not os.environ.get("AWS_ENDPOINT_URL"):
        pytest.fail("integration tests need AWS_ENDPOINT_URL (run them through `make test`)")
    from chalicelib import cli
    from infrastructure import stack, template

    stack.deploy(f"{os.environ['EURZAD_RESOURCE_PREFIX']}-resources", template.render())
    assert cli.catalogue_publish(cli.FORMS) == 0
    assert cli.tenants_apply(demo_files()) == 0
    yield


@pytest.fixture(scope="session")
def demo_pki(platform: None, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo PKI installed as an operator would: root into the trust store, seal into Secrets Manager."""
    from chalicelib import cli
    from chalicelib.signatures import pki

    directory = tmp_path_factory.mktemp("demo-pki")
    assert cli.signatures_install_demo(directory) == 0
    return pki.load_demo(directory)


@pytest.fixture(scope="session")
def demo_merchants(platform: None, payments_gateway: Any) -> Any:
    """The demo JSTs' merchant accounts, as `make run` opens them: keys in Secrets Manager (under the payments
    prefix), accounts at the session's sandbox gateway (`payments_gateway`), which is returned."""
    from chalicelib import cli_payments

    assert cli_payments.demo_merchants(demo_files(), payments_gateway.url) == 0
    return payments_gateway


@pytest.fixture
def restore_region(platform: None) -> Iterator[None]:
    """Tests that change a JST's configuration put the demo region back afterwards."""
    yield
    from chalicelib import cli

    cli.tenants_apply(demo_files())


@pytest.fixture(scope="session")
def api(platform: None) -> Iterator[Any]:
    from app import app

    with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        yield client
