"""The local token issuer for development and tests: an RSA key kept under .local/, and its JWKS.

Never used in the cloud, where a Cognito user pool (federated with the national login) issues tokens.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.core.settings import get_settings

KEY_ID = "eurzad-local-1"


def issuer_dir() -> Path:
    return Path(os.environ.get("EURZAD_DEV_ISSUER_DIR", Path.cwd() / ".local" / "dev-issuer"))


def private_key() -> rsa.RSAPrivateKey:
    path = issuer_dir() / "private.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pem)
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return loaded


def jwks() -> str:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key().public_key()))
    jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
    return json.dumps({"keys": [jwk]})


def issue(
    *,
    role: str,
    subject: str,
    terc: str | None = None,
    department: str | None = None,
    pesel: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    name: str | None = None,
    department_head: bool = False,
    ttl_seconds: int = 3600,
    now: float | None = None,
) -> str:
    """A signed token; `name` ("Jan Maria Kowalski") stands for the given names and the family name."""
    if name and not (given_name or family_name):
        given, _, family = name.strip().rpartition(" ")
        given_name, family_name = given or None, family or None
    s = get_settings()
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": s.auth_issuer,
        "aud": s.auth_audience,
        "sub": subject,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "jti": str(uuid.uuid4()),
        "role": role,
    }
    if terc:
        claims["terc"] = terc
    if department:
        claims["department"] = department
    if department_head:
        claims["department_head"] = True
    # The person as the national login names them (Cognito: custom:pesel, given_name, family_name).
    for claim, value in (("pesel", pesel), ("given_name", given_name), ("family_name", family_name)):
        if value:
            claims[claim] = value
    return jwt.encode(claims, private_key(), algorithm="RS256", headers={"kid": KEY_ID})
