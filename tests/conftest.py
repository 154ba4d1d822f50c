"""Shared test set-up: environment for the whole suite, markers by folder, tokens from the local issuer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Set before anything imports chalicelib (settings are read once).
os.environ.setdefault("EURZAD_RESOURCE_PREFIX", "eurzad-test")
os.environ.setdefault("EURZAD_STAGE", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("EURZAD_DEV_ISSUER_DIR", str(ROOT / ".local" / "test-issuer"))
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

from chalicelib.core import dev_issuer  # noqa: E402
from tests import early_packaging  # noqa: E402

if TYPE_CHECKING:
    from tests.payments_gateway import PaymentsGateway

os.environ.setdefault("EURZAD_AUTH_JWKS", dev_issuer.jwks())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        kind = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        if kind in ("unit", "integration", "e2e"):
            item.add_marker(getattr(pytest.mark, kind))
    if not config.option.collectonly and any(early_packaging.packages(Path(str(item.fspath))) for item in items):
        early_packaging.start()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if early_packaging.packages(Path(str(item.fspath))):
        early_packaging.wait()


def pytest_sessionfinish() -> None:
    early_packaging.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if early_packaging.summary:
        terminalreporter.write_line(early_packaging.summary)


@pytest.fixture(scope="session")
def payments_gateway() -> Iterator[PaymentsGateway]:
    """The sandbox Przelewy24 on a free port, fast retries; the platform's settings point at it."""
    from chalicelib.core.settings import get_settings
    from sandboxes.przelewy24 import serve
    from tests.payments_gateway import MINUTE_SECONDS, PaymentsGateway

    sandbox = serve(0, minute_seconds=MINUTE_SECONDS)
    previous = os.environ.get("EURZAD_PAYMENTS_GATEWAY_URL")
    os.environ["EURZAD_PAYMENTS_GATEWAY_URL"] = sandbox.url
    get_settings.cache_clear()
    yield PaymentsGateway(sandbox)
    sandbox.close()
    if previous is None:
        os.environ.pop("EURZAD_PAYMENTS_GATEWAY_URL", None)
    else:
        os.environ["EURZAD_PAYMENTS_GATEWAY_URL"] = previous
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def edelivery_box() -> Iterator[Any]:
    """The sandbox e-Delivery box (tests/edelivery_box.py), on a free port for the whole session."""
    from tests.edelivery_box import EDeliveryBox

    with EDeliveryBox.started() as box:
        yield box


def token(role: str, terc: str | None = None, subject: str | None = None, **kw: object) -> str:
    return dev_issuer.issue(role=role, subject=subject or f"test-{role}-{terc or 'region'}", terc=terc, **kw)  # type: ignore[arg-type]


def auth(role: str, terc: str | None = None, **kw: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, terc, **kw)}"}
