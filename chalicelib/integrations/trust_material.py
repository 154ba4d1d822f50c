"""Where the signature trust store and the office seal live: S3 / SSM / a file, and Secrets Manager."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

from chalicelib.integrations.aws import client


def read_trust_bundle(uri: str) -> bytes:
    """The PEM bundle at s3://bucket/key, ssm:/parameter-name or a local path."""
    if uri.startswith("s3://"):
        parsed = urlparse(uri)
        body: bytes = client("s3").get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"].read()
        return body
    if uri.startswith("ssm:"):
        value: str = client("ssm").get_parameter(Name=uri[4:], WithDecryption=True)["Parameter"]["Value"]
        return value.encode()
    return Path(uri.removeprefix("file:")).read_bytes()


def write_trust_bundle(uri: str, pem: bytes) -> None:
    if uri.startswith("s3://"):
        parsed = urlparse(uri)
        client("s3").put_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"), Body=pem,
                                ContentType="application/x-pem-file")
    elif uri.startswith("ssm:"):
        client("ssm").put_parameter(Name=uri[4:], Value=pem.decode(), Type="String", Tier="Advanced",
                                    Overwrite=True)
    else:
        Path(uri.removeprefix("file:")).write_bytes(pem)


def read_seal(secret_id: str) -> tuple[bytes, bytes]:
    """(private key PEM, certificate chain PEM) of the office seal."""
    secret = json.loads(client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
    return secret["key_pem"].encode(), secret["chain_pem"].encode()


def write_seal(secret_id: str, key_pem: bytes, chain_pem: bytes) -> None:
    value = json.dumps({"key_pem": key_pem.decode(), "chain_pem": chain_pem.decode()})
    sm = client("secretsmanager")
    try:
        sm.put_secret_value(SecretId=secret_id, SecretString=value)
    except sm.exceptions.ResourceNotFoundException:
        sm.create_secret(Name=secret_id, SecretString=value,
                         Description="Pieczęć elektroniczna urzędu: klucz prywatny i łańcuch certyfikatów")
