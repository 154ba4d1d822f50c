"""The shared AWS clients every module uses (objects, queues, e-mail), one of each per warm container."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.core.settings import get_settings
from chalicelib.integrations.mail import SesMailer
from chalicelib.integrations.objects import S3Objects
from chalicelib.integrations.queue import SqsPublisher


@lru_cache(maxsize=1)
def publisher() -> SqsPublisher:
    return SqsPublisher()


@lru_cache(maxsize=1)
def mailer() -> SesMailer:
    return SesMailer(get_settings().mail_from)


@lru_cache(maxsize=1)
def objects() -> S3Objects:
    return S3Objects()
