"""The web portal posts uploads to S3 and fetches stored documents from the browser: those two buckets allow
the portal's origin for exactly that method, and no other bucket is reachable from a page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.core.settings import get_settings
from infrastructure.template import render


@pytest.fixture
def portal_origin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("EURZAD_WEB_ORIGIN", "https://eurzad.example.pl")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("portal_origin")
def test_only_the_portals_buckets_allow_its_origin() -> None:
    buckets = {res["Properties"]["BucketName"].rsplit("-", 1)[-1]: res["Properties"]
               for res in render()["Resources"].values() if res["Type"] == "AWS::S3::Bucket"}
    rules = {name: props.get("CorsConfiguration", {}).get("CorsRules") for name, props in buckets.items()}
    assert rules.pop("uploads") == [{"AllowedOrigins": ["https://eurzad.example.pl"], "AllowedMethods": ["POST"],
                                     "AllowedHeaders": ["*"], "MaxAge": 600}]
    assert rules.pop("documents")[0]["AllowedMethods"] == ["GET"]
    assert set(rules.values()) == {None}
