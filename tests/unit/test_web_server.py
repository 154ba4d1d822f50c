"""The local portal server's own logic: the development sign-in and the emulator's base64 XML answers."""

from __future__ import annotations

import base64

import jwt
import pytest

from infrastructure.web import _binary, mint_token, site_config


def test_dev_sign_in_mints_a_token_for_the_chosen_role_and_office() -> None:
    claims = jwt.decode(mint_token({"role": "clerk", "subject": "urzednik", "terc": "1418043", "department": "OR"}),
                        options={"verify_signature": False})
    shown = (claims["role"], claims["sub"], claims["terc"], claims["department"])
    assert shown == ("clerk", "urzednik", "1418043", "OR")


def test_dev_sign_in_marks_a_department_head_only_for_a_clerk_who_asked() -> None:
    def head(request: dict[str, object]) -> object:
        return jwt.decode(mint_token(request), options={"verify_signature": False}).get("department_head")

    assert head({"role": "clerk", "terc": "1418043", "department": "OR", "department_head": True}) is True
    assert head({"role": "clerk", "terc": "1418043", "department": "OR"}) is None
    assert head({"role": "resident", "department_head": True}) is None


def test_dev_sign_in_gives_a_resident_the_pesel_and_name_entered() -> None:
    token = mint_token({"role": "resident", "pesel": "44051401359", "name": "Jan Maria Kowalski"})
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["pesel"], claims["given_name"], claims["family_name"]) == ("44051401359", "Jan Maria", "Kowalski")


def test_dev_sign_in_refuses_an_unknown_role() -> None:
    with pytest.raises(ValueError, match="Nieznana rola"):
        mint_token({"role": "root"})


def test_only_the_local_configuration_names_the_development_sign_in() -> None:
    assert site_config("", dev_sign_in=True)["devSignIn"] == "/lokalnie/logowanie.html"
    assert "devSignIn" not in site_config("https://api.example.pl", dev_sign_in=False)


def test_base64_xml_from_the_emulator_is_decoded_and_everything_else_left_alone() -> None:
    xml = b"<?xml version='1.0' encoding='UTF-8'?><Dokument/>"
    assert _binary(base64.b64encode(xml), "application/xml") == xml
    assert _binary(xml, "application/xml") == xml
    assert _binary(b'{"a": 1}', "application/json") == b'{"a": 1}'
