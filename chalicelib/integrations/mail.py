"""E-mail to people (SES)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


class SesMailer:
    def __init__(self, sender: str) -> None:
        self._sender = sender

    def send(self, mail: Mail) -> str:
        from chalicelib.integrations.aws import client

        response = client("ses").send_email(
            Source=self._sender,
            Destination={"ToAddresses": [mail.to]},
            Message={
                "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": mail.text, "Charset": "UTF-8"}},
            },
        )
        return str(response["MessageId"])
