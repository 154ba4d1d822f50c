"""The submissions module's stores and ports, built on first use (one per warm container)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.core.clock import get_clock
from chalicelib.integrations.clients import objects, publisher
from chalicelib.modules import catalogue, signatures
from chalicelib.modules.submissions.logic import Ports
from chalicelib.modules.submissions.repository import DynamoAttachments, DynamoDrafts, DynamoSubmissions


@lru_cache(maxsize=1)
def attachments() -> DynamoAttachments:
    return DynamoAttachments()


@lru_cache(maxsize=1)
def drafts() -> DynamoDrafts:
    return DynamoDrafts()


@lru_cache(maxsize=1)
def submissions() -> DynamoSubmissions:
    return DynamoSubmissions()


def submission_ports() -> Ports:
    return Ports(catalogue=catalogue.definitions(), objects=objects(), attachments=attachments(),
                 submissions=submissions(), drafts=drafts(), publisher=publisher(),
                 seal=lambda element, at: signatures.seal(element, at=at), verify=signatures.verify,
                 now=lambda: get_clock().now())
