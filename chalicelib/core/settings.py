"""Runtime settings, read once from the environment (EURZAD_* variables).

A plain dataclass filled from `os.environ` by its field types: pydantic-settings did the same for ~80 ms of
every cold start. Names are matched regardless of case, as before; a value that is not a number where one is
expected stops the start with every such variable named (`SettingsError`).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from functools import lru_cache

PREFIX = "EURZAD_"
# Fields read from a variable of another name than PREFIX + the field's name.
ALIASES = {"region": "AWS_DEFAULT_REGION"}


class SettingsError(ValueError):
    """One or more variables hold a value of the wrong type."""


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    # Every resource name is derived from this prefix (see chalicelib.resources).
    resource_prefix: str = "eurzad-local"
    region: str = "eu-central-1"

    # Bearer-token verification. Inline JWKS (local issuer) wins over the URL (Cognito in the cloud).
    auth_jwks: str | None = None
    auth_jwks_url: str | None = None
    auth_issuer: str = "https://auth.eurzad.local"
    auth_audience: str = "eurzad-api"

    # Sender of the platform's e-mail (an SES identity declared in the infrastructure).
    mail_from: str = "powiadomienia@eurzad.mazowsze.local"

    # Signatures. The trust store is a PEM bundle of trusted roots: s3://bucket/key, ssm:/parameter or a file
    # path; unset means s3://<prefix>-trust/roots.pem. The office seal (key + chain) is a Secrets Manager secret.
    trust_store: str | None = None
    seal_secret: str | None = None
    trust_cache_seconds: float = 900.0
    # The public verification e-service accepts documents up to this size.
    signature_max_bytes: int = 2 * 1024 * 1024

    # The web portal's origin (CloudFront in production), allowed by CORS. Tokens travel in the Authorization
    # header, never in cookies, so the local stages may allow any origin.
    web_origin: str = "*"

    # The API's public base URL (e.g. https://api.eurzad.mazowsze.pl/v1's origin and stage), for the addresses the
    # platform gives others to call back (the payment gateway's notifications, the e-Delivery box's callbacks);
    # unset: taken from the request.
    public_api_url: str | None = None

    # The e-Delivery box's User Agent API (base URL with the API's prefix; plain http only to the local
    # sandbox) and the Secrets Manager secret with the system's client certificate and/or OAuth 2.0 client.
    edelivery_url: str | None = None
    edelivery_secret: str | None = None

    # Cache of the published service catalogue and the public JST directory inside one warm container.
    catalogue_cache_seconds: float = 60.0

    # The payment gateway (Przelewy24): its base URL (production https://secure.przelewy24.pl, P24's own
    # sandbox https://sandbox.przelewy24.pl, locally the sandbox server of `make run`). The merchants' keys are
    # Secrets Manager secrets `<resource_prefix>/payments/<credentials_secret>`, read again after this long.
    payments_gateway_url: str = "https://sandbox.przelewy24.pl"
    payments_secret_cache_seconds: float = 300.0

    # The CloudWatch namespace of each invocation's metering as embedded metric format log lines (production);
    # unset: no such lines (local stages, tests). See chalicelib.core.emf.
    metrics_namespace: str | None = None

    # How long one container keeps a month's answer from AWS Cost Explorer (each of its requests costs USD 0.01;
    # AWS refreshes the data a few times a day).
    cost_explorer_cache_seconds: float = 3600.0

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> Settings:
        env = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
        values: dict[str, object] = {}
        errors: list[str] = []
        for f in dataclasses.fields(cls):
            name = ALIASES.get(f.name, PREFIX + f.name.upper())
            if name not in env:
                continue
            raw = env[name]
            converter = {"float": float, "int": int}.get(str(f.type))
            try:
                values[f.name] = converter(raw.strip()) if converter else raw
            except ValueError:
                errors.append(f"{name}={raw!r} is not a valid {f.type}")
        if errors:
            raise SettingsError("; ".join(errors))
        return cls(**values)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()
