"""The submissions module's heavy parts, stores and ports, loaded on first use (stores: one per warm container).

`import app` must register every route and worker, not load what they use: the pydantic models, the PynamoDB
tables, forms, documents and signatures load with the first request or message that needs them
(chalicelib.core.lazy). The package imports this file first, so `from chalicelib.modules.submissions import
logic` anywhere gets the same lazy module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.clock import get_clock
from chalicelib.core.lazy import lazy_module
from chalicelib.integrations.clients import objects, publisher
from chalicelib.modules import catalogue, signatures

if TYPE_CHECKING:
    from chalicelib.modules.submissions import (
        answers,
        applicants,
        facts,
        filled,
        intake,
        logic,
        models,
        repository,
        signed,
        sweeper,
        views,
    )
    from chalicelib.modules.submissions import attachments as attachment_slots
    from chalicelib.modules.submissions import drafts as draft_rules
else:
    answers = lazy_module("chalicelib.modules.submissions.answers")
    attachment_slots = lazy_module("chalicelib.modules.submissions.attachments")
    draft_rules = lazy_module("chalicelib.modules.submissions.drafts")
    facts = lazy_module("chalicelib.modules.submissions.facts")
    filled = lazy_module("chalicelib.modules.submissions.filled")
    views = lazy_module("chalicelib.modules.submissions.views")
    applicants = lazy_module("chalicelib.modules.submissions.applicants")
    intake = lazy_module("chalicelib.modules.submissions.intake")
    logic = lazy_module("chalicelib.modules.submissions.logic")
    models = lazy_module("chalicelib.modules.submissions.models")
    repository = lazy_module("chalicelib.modules.submissions.repository")
    signed = lazy_module("chalicelib.modules.submissions.signed")
    sweeper = lazy_module("chalicelib.modules.submissions.sweeper")

__all__ = [
    "answers",
    "applicants",
    "attachment_slots",
    "attachments",
    "drafts",
    "facts",
    "filled",
    "intake",
    "logic",
    "models",
    "objects",
    "publisher",
    "repository",
    "signed",
    "submission_ports",
    "submissions",
    "sweeper",
    "views",
]


@lru_cache(maxsize=1)
def attachments() -> repository.DynamoAttachments:
    return repository.DynamoAttachments()


@lru_cache(maxsize=1)
def drafts() -> repository.DynamoDrafts:
    return repository.DynamoDrafts()


@lru_cache(maxsize=1)
def submissions() -> repository.DynamoSubmissions:
    return repository.DynamoSubmissions()


def submission_ports() -> logic.Ports:
    return logic.Ports(catalogue=catalogue.definitions(), objects=objects(), attachments=attachments(),
                       submissions=submissions(), drafts=drafts(), publisher=publisher(),
                       seal=lambda element, at: signatures.seal(element, at=at), verify=signatures.verify,
                       now=lambda: get_clock().now())
