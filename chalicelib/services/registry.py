"""Cached factories for the stores and clients the routes and workers use (one per warm container)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.core.settings import get_settings
from chalicelib.db.metering import DynamoUsageSink
from chalicelib.integrations.mail import SesMailer
from chalicelib.integrations.objects import S3Objects
from chalicelib.integrations.queue import SqsPublisher
from chalicelib.services.cases.repository import DynamoCases
from chalicelib.services.catalogue.repository import DynamoCatalogue
from chalicelib.services.submissions.logic import Ports
from chalicelib.services.submissions.repository import DynamoAttachments, DynamoDrafts, DynamoSubmissions
from chalicelib.services.tenants.repository import DynamoTenantStore


@lru_cache(maxsize=1)
def catalogue() -> DynamoCatalogue:
    return DynamoCatalogue()


@lru_cache(maxsize=1)
def tenant_store() -> DynamoTenantStore:
    return DynamoTenantStore()


@lru_cache(maxsize=1)
def publisher() -> SqsPublisher:
    return SqsPublisher()


@lru_cache(maxsize=1)
def mailer() -> SesMailer:
    return SesMailer(get_settings().mail_from)


@lru_cache(maxsize=1)
def usage_sink() -> DynamoUsageSink:
    return DynamoUsageSink()


@lru_cache(maxsize=1)
def objects() -> S3Objects:
    return S3Objects()


@lru_cache(maxsize=1)
def attachments() -> DynamoAttachments:
    return DynamoAttachments()


@lru_cache(maxsize=1)
def drafts() -> DynamoDrafts:
    return DynamoDrafts()


@lru_cache(maxsize=1)
def submissions() -> DynamoSubmissions:
    return DynamoSubmissions()


@lru_cache(maxsize=1)
def cases() -> DynamoCases:
    return DynamoCases()


def submission_ports() -> Ports:
    from chalicelib.core.clock import get_clock
    from chalicelib.services.signatures import service as signatures

    return Ports(catalogue=catalogue(), objects=objects(), attachments=attachments(), submissions=submissions(),
                 drafts=drafts(), publisher=publisher(), seal=lambda element, at: signatures.seal(element, at=at),
                 verify=signatures.verify, now=lambda: get_clock().now())
