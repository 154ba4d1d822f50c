"""Bearer tokens and the access policy, without AWS."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.core import dev_issuer
from chalicelib.core.auth import Access, Principal, Role, TokenVerifier, bearer_token, principal_from_claims
from chalicelib.core.errors import Forbidden, Unauthorized
from chalicelib.core.settings import get_settings


@pytest.fixture
def verifier() -> TokenVerifier:
    s = get_settings()
    return TokenVerifier(issuer=s.auth_issuer, audience=s.auth_audience, jwks=dev_issuer.jwks(), jwks_url=None)


def test_a_token_from_the_local_issuer_gives_role_tenant_and_department(verifier: TokenVerifier) -> None:
    token = dev_issuer.issue(role="clerk", subject="anna.nowak", terc="1418043", department="GK")
    assert verifier.verify(token) == Principal(subject="anna.nowak", role=Role.CLERK, terc="1418043", department="GK")


def test_cognito_style_custom_claims_are_read_too(verifier: TokenVerifier) -> None:
    s = get_settings()
    now = int(time.time())
    claims = {"iss": s.auth_issuer, "aud": s.auth_audience, "sub": "u1", "iat": now, "exp": now + 60,
              "custom:role": "tenant-admin", "custom:terc": "1418032"}
    token = jwt.encode(claims, dev_issuer.private_key(), algorithm="RS256", headers={"kid": dev_issuer.KEY_ID})
    principal = verifier.verify(token)
    assert (principal.role, principal.terc) == (Role.TENANT_ADMIN, "1418032")


def test_a_residents_token_carries_the_national_logins_pesel_and_names(verifier: TokenVerifier) -> None:
    token = dev_issuer.issue(role="resident", subject="pz-jan", pesel="44051401359", given_name="Jan",
                             family_name="Kowalski")
    principal = verifier.verify(token)
    assert (principal.pesel, principal.name) == ("44051401359", "Jan Kowalski")


def test_cognito_carries_the_pesel_as_a_custom_attribute_and_the_names_as_standard_claims(
        verifier: TokenVerifier) -> None:
    s = get_settings()
    now = int(time.time())
    claims = {"iss": s.auth_issuer, "aud": s.auth_audience, "sub": "u2", "iat": now, "exp": now + 60,
              "custom:role": "resident", "custom:pesel": "02070803628", "given_name": "Anna", "family_name": "Nowak"}
    token = jwt.encode(claims, dev_issuer.private_key(), algorithm="RS256", headers={"kid": dev_issuer.KEY_ID})
    principal = verifier.verify(token)
    assert (principal.role, principal.pesel, principal.name) == (Role.RESIDENT, "02070803628", "Anna Nowak")


@pytest.mark.parametrize("pesel", ["44051401358", "4405140135", "abcdefghijk"])
def test_a_token_with_a_malformed_pesel_is_refused(verifier: TokenVerifier, pesel: str) -> None:
    with pytest.raises(Unauthorized) as err:
        verifier.verify(dev_issuer.issue(role="resident", subject="x", pesel=pesel))
    assert err.value.code == "invalid_token"


def test_a_staff_token_carries_no_pesel(verifier: TokenVerifier) -> None:
    principal = verifier.verify(dev_issuer.issue(role="clerk", subject="c", terc="1418043"))
    assert principal.pesel is None and principal.name is None


def test_expired_token_is_refused_with_its_own_code(verifier: TokenVerifier) -> None:
    token = dev_issuer.issue(role="resident", subject="x", ttl_seconds=60, now=time.time() - 3600)
    with pytest.raises(Unauthorized) as err:
        verifier.verify(token)
    assert err.value.code == "token_expired"


def _forged(claims_role: str = "region-admin", **header: str) -> str:
    s = get_settings()
    now = int(time.time())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": s.auth_issuer, "aud": s.auth_audience, "sub": "m", "iat": now, "exp": now + 60,
              "role": claims_role}
    return jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": dev_issuer.KEY_ID, **header})


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(_forged, id="signed-by-another-key"),
        pytest.param(lambda: jwt.encode({"sub": "m", "role": "region-admin"}, "a-shared-secret-of-32-bytes-long",
                                        algorithm="HS256", headers={"kid": dev_issuer.KEY_ID}),
                     id="hs256-with-shared-secret"),
        pytest.param(lambda: dev_issuer.issue(role="resident", subject="x")[:-4] + "AAAA", id="tampered-signature"),
        pytest.param(lambda: "not-a-jwt", id="garbage"),
    ],
)
def test_forged_or_malformed_tokens_are_refused(verifier: TokenVerifier, make_token: object) -> None:
    with pytest.raises(Unauthorized):
        verifier.verify(make_token())  # type: ignore[operator]


def test_token_for_another_audience_is_refused(verifier: TokenVerifier) -> None:
    s = get_settings()
    now = int(time.time())
    claims = {"iss": s.auth_issuer, "aud": "another-app", "sub": "m", "iat": now, "exp": now + 60, "role": "clerk",
              "terc": "1418043"}
    token = jwt.encode(claims, dev_issuer.private_key(), algorithm="RS256", headers={"kid": dev_issuer.KEY_ID})
    with pytest.raises(Unauthorized):
        verifier.verify(token)


def test_clerk_token_without_tenant_is_refused(verifier: TokenVerifier) -> None:
    with pytest.raises(Unauthorized):
        verifier.verify(dev_issuer.issue(role="clerk", subject="c"))


def test_bearer_header_parsing() -> None:
    assert bearer_token({"authorization": "Bearer abc"}) == "abc"
    assert bearer_token({"authorization": "bearer  abc "}) == "abc"
    assert bearer_token({"authorization": "Basic abc"}) is None
    assert bearer_token({}) is None


ADMIN_A = Principal("a", Role.TENANT_ADMIN, terc="1418043")
ADMIN_B = Principal("b", Role.TENANT_ADMIN, terc="1418032")
REGION = Principal("r", Role.REGION_ADMIN)
RESIDENT = Principal("p", Role.RESIDENT)
FINANCE_REGION = Principal("f", Role.FINANCE)
FINANCE_B = Principal("fb", Role.FINANCE, terc="1418032")
POLICY = Access.of(Role.TENANT_ADMIN, Role.REGION_ADMIN, Role.FINANCE, tenant_param="terc")


@pytest.mark.parametrize(
    ("principal", "terc", "expected"),
    [
        (None, "1418043", Unauthorized),
        (RESIDENT, "1418043", Forbidden),
        (ADMIN_A, "1418043", None),
        (ADMIN_B, "1418043", Forbidden),
        (REGION, "1418043", None),
        (FINANCE_REGION, "1418043", None),
        (FINANCE_B, "1418043", Forbidden),
        (FINANCE_B, "1418032", None),
    ],
)
def test_access_policy_matrix(principal: Principal | None, terc: str, expected: type[Exception] | None) -> None:
    if expected is None:
        POLICY.authorize(principal, {"terc": terc})
    else:
        with pytest.raises(expected):
            POLICY.authorize(principal, {"terc": terc})


def test_public_routes_need_no_token() -> None:
    Access.anyone().authorize(None, {})


def test_a_policy_must_name_roles() -> None:
    with pytest.raises(ValueError):
        Access.of()


def test_jwks_is_public_key_only() -> None:
    jwk = json.loads(dev_issuer.jwks())["keys"][0]
    assert jwk["kty"] == "RSA" and "d" not in jwk and jwk["kid"] == dev_issuer.KEY_ID


@pytest.mark.parametrize("subject", ["", "   ", "x" * 300])
def test_a_signed_token_that_names_nobody_is_refused(verifier: TokenVerifier, subject: str) -> None:
    s = get_settings()
    now = int(time.time())
    claims = {"iss": s.auth_issuer, "aud": s.auth_audience, "sub": subject, "iat": now, "exp": now + 60,
              "role": "resident"}
    token = jwt.encode(claims, dev_issuer.private_key(), algorithm="RS256", headers={"kid": dev_issuer.KEY_ID})
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token)
    assert refused.value.code == "invalid_token"


def test_dev_token_takes_the_pesel_and_the_name(verifier: TokenVerifier, capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib import cli

    assert cli.main(["dev-token", "--role", "resident", "--subject", "jan", "--pesel", "44051401359",
                     "--name", "Jan Maria Kowalski"]) == 0
    principal = verifier.verify(capsys.readouterr().out.strip())
    assert (principal.pesel, principal.given_name, principal.family_name) == ("44051401359", "Jan Maria", "Kowalski")


def test_a_department_head_is_a_clerk_with_the_flag(verifier: TokenVerifier,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib import cli

    assert cli.main(["dev-token", "--role", "clerk", "--tenant", "1418043", "--department", "GK", "--head"]) == 0
    assert verifier.verify(capsys.readouterr().out.strip()).department_head is True
    assert cli.main(["dev-token", "--role", "clerk", "--tenant", "1418043", "--department", "GK"]) == 0
    assert verifier.verify(capsys.readouterr().out.strip()).department_head is False
    # the flag means nothing on another role
    assert principal_from_claims({"sub": "x", "role": "resident", "department_head": True}).department_head is False
