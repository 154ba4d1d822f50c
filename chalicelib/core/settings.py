"""Runtime settings, read once from the environment (EURZAD_* variables)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EURZAD_", extra="ignore")

    stage: str = "local"
    # Every resource name is derived from this prefix (see chalicelib.resources).
    resource_prefix: str = "eurzad-local"
    region: str = Field(default="eu-central-1", validation_alias="AWS_DEFAULT_REGION")

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

    # Cache of the published service catalogue and the public JST directory inside one warm container.
    catalogue_cache_seconds: float = 60.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
