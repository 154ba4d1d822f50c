"""Settings come from the environment: EURZAD_<FIELD> (any case), AWS_DEFAULT_REGION, numbers checked at start."""

from __future__ import annotations

import pytest

from chalicelib.core.settings import Settings, SettingsError


def test_defaults_when_nothing_is_set() -> None:
    s = Settings.from_environ({})
    assert (s.stage, s.resource_prefix, s.region, s.auth_jwks, s.web_origin) == (
        "local", "eurzad-local", "eu-central-1", None, "*")
    assert s.signature_max_bytes == 2 * 1024 * 1024 and s.catalogue_cache_seconds == 60.0


def test_variables_are_read_by_prefix_regardless_of_case_and_converted() -> None:
    s = Settings.from_environ({"EURZAD_STAGE": "e2e", "eurzad_resource_prefix": "eurzad-e2e",
                               "AWS_DEFAULT_REGION": "eu-west-1", "EURZAD_REGION": "ignored",
                               "EURZAD_TRUST_CACHE_SECONDS": "1.5", "EURZAD_SIGNATURE_MAX_BYTES": " 4096 ",
                               "EURZAD_AUTH_JWKS": '{"keys": []}', "OTHER": "x"})
    assert (s.stage, s.resource_prefix, s.region) == ("e2e", "eurzad-e2e", "eu-west-1")
    assert s.trust_cache_seconds == 1.5 and s.signature_max_bytes == 4096
    assert s.auth_jwks == '{"keys": []}'


def test_a_value_of_the_wrong_type_stops_the_start_naming_every_variable() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_environ({"EURZAD_SIGNATURE_MAX_BYTES": "2MiB", "EURZAD_CATALOGUE_CACHE_SECONDS": "soon"})
    assert "EURZAD_SIGNATURE_MAX_BYTES" in str(caught.value)
    assert "EURZAD_CATALOGUE_CACHE_SECONDS" in str(caught.value)


def test_the_e_delivery_box_is_configured_by_its_url_and_secret() -> None:
    s = Settings.from_environ({"EURZAD_EDELIVERY_URL": "https://uaa.example.gov.pl/api/v3",
                               "EURZAD_EDELIVERY_SECRET": "eurzad-prod/edelivery"})
    assert (s.edelivery_url, s.edelivery_secret) == ("https://uaa.example.gov.pl/api/v3", "eurzad-prod/edelivery")
    assert Settings.from_environ({}).edelivery_url is None
