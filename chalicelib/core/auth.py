"""Bearer-token (RS256 JWT) verification and the per-route access policy.

Every route declares an `Access` policy; a route without one is refused (default deny). The policy is
checked before the view runs, from the verified token's claims.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.core.errors import Forbidden, Unauthorized
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:
    import jwt


class Role(str, Enum):
    RESIDENT = "resident"
    CLERK = "clerk"
    TENANT_ADMIN = "tenant-admin"
    FINANCE = "finance"
    REGION_ADMIN = "region-admin"


# Roles whose holder works for one JST and must carry its TERC code.
TENANT_BOUND = {Role.CLERK, Role.TENANT_ADMIN}
MAX_SUBJECT_LENGTH = 256


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    terc: str | None = None
    department: str | None = None
    # Who the person is, as the national login (login.gov.pl) vouched for it; staff tokens may carry none.
    pesel: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    # A clerk heading their department: assigns its cases and may act on any of them.
    department_head: bool = False

    @property
    def name(self) -> str | None:
        parts = [p for p in (self.given_name, self.family_name) if p]
        return " ".join(parts) or None

    def can_act_for(self, terc: str) -> bool:
        if self.role is Role.REGION_ADMIN:
            return True
        # Finance staff without a TERC claim work for the region; with one, for that JST only.
        if self.role is Role.FINANCE and self.terc is None:
            return True
        return self.terc == terc


@dataclass(frozen=True)
class Access:
    """Who may call a route.

    `roles` empty with `public=True` means anyone, token or not. `tenant_param` names the URI parameter that
    holds the TERC code the call acts on; tenant-bound callers must belong to that JST.
    """

    roles: frozenset[Role] = field(default_factory=frozenset)
    public: bool = False
    tenant_param: str | None = None

    @classmethod
    def anyone(cls) -> Access:
        return cls(public=True)

    @classmethod
    def of(cls, *roles: Role, tenant_param: str | None = None) -> Access:
        if not roles:
            raise ValueError("a non-public route must name at least one role")
        return cls(roles=frozenset(roles), tenant_param=tenant_param)

    def authorize(self, principal: Principal | None, uri_params: dict[str, str]) -> None:
        if self.public:
            return
        if principal is None:
            raise Unauthorized()
        if principal.role not in self.roles:
            raise Forbidden(f"Rola „{principal.role.value}” nie ma dostępu do tej operacji.", code="role_forbidden")
        if self.tenant_param is not None and principal.role is not Role.RESIDENT:
            terc = uri_params.get(self.tenant_param, "")
            if not principal.can_act_for(terc):
                raise Forbidden("Brak uprawnień do danych innej jednostki samorządu.", code="tenant_forbidden")


class TokenVerifier:
    """Verifies RS256 bearer tokens against a JWKS (inline JSON or fetched from a URL and cached).

    PyJWT and cryptography (~75 ms of import) load with the first verifier, i.e. on the first token check.
    """

    def __init__(self, *, issuer: str, audience: str, jwks: str | None, jwks_url: str | None) -> None:
        import jwt

        self._jwt = jwt
        self._issuer = issuer
        self._audience = audience
        self._keys: dict[str, Any] = {}
        self._client: jwt.PyJWKClient | None = None
        if jwks:
            for key in jwt.PyJWKSet.from_dict(json.loads(jwks)).keys:
                self._keys[str(key.key_id)] = key.key
        elif jwks_url:
            self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600)

    def _key_for(self, token: str) -> Any:
        jwt = self._jwt
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("Nieprawidłowy token dostępu.", code="invalid_token") from exc
        if header.get("alg") != "RS256":
            raise Unauthorized("Nieobsługiwany algorytm tokenu.", code="invalid_token")
        if self._client is not None:
            try:
                return self._client.get_signing_key_from_jwt(token).key
            except jwt.PyJWTError as exc:
                raise Unauthorized("Nieznany klucz podpisu tokenu.", code="invalid_token") from exc
        key = self._keys.get(str(header.get("kid")))
        if key is None:
            raise Unauthorized("Nieznany klucz podpisu tokenu.", code="invalid_token")
        return key

    def verify(self, token: str) -> Principal:
        jwt = self._jwt
        key = self._key_for(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                leeway=30,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("Token dostępu wygasł.", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("Nieprawidłowy token dostępu.", code="invalid_token") from exc
        return principal_from_claims(claims)


def _claim(claims: dict[str, Any], name: str) -> Any:
    # Local issuer uses plain names; a Cognito user pool carries them as custom attributes.
    return claims.get(name, claims.get(f"custom:{name}"))


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    try:
        role = Role(_claim(claims, "role"))
    except ValueError as exc:
        raise Unauthorized("Token nie określa roli użytkownika.", code="invalid_token") from exc
    subject = claims.get("sub")
    # The subject keys a resident's drafts and submissions: an empty or oversized one names nobody.
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_LENGTH:
        raise Unauthorized("Token nie wskazuje użytkownika.", code="invalid_token")
    terc = _claim(claims, "terc")
    if role in TENANT_BOUND and not terc:
        raise Unauthorized("Token nie wskazuje jednostki samorządu.", code="invalid_token")
    pesel = _claim(claims, "pesel")
    if pesel is not None and not _valid_pesel(str(pesel)):
        raise Unauthorized("Token zawiera nieprawidłowy numer PESEL.", code="invalid_token")
    return Principal(
        subject=subject,
        role=role,
        terc=str(terc) if terc else None,
        department=_claim(claims, "department"),
        pesel=str(pesel) if pesel else None,
        given_name=_claim(claims, "given_name"),
        family_name=_claim(claims, "family_name"),
        department_head=role is Role.CLERK and _claim(claims, "department_head") in (True, "true"),
    )


def _valid_pesel(value: str) -> bool:
    from stdnum.pl import pesel

    return len(value) == 11 and value.isdigit() and bool(pesel.is_valid(value))


def bearer_token(headers: dict[str, str] | Any) -> str | None:
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@lru_cache(maxsize=1)
def get_verifier() -> TokenVerifier:
    s = get_settings()
    return TokenVerifier(issuer=s.auth_issuer, audience=s.auth_audience, jwks=s.auth_jwks, jwks_url=s.auth_jwks_url)
