"""E-mail to people (SES).

Every e-mail names the piece of work that sent it (the correlation id of the request or event): a line
"Numer referencyjny" at the end of the text, which a resident or a JST can quote to the office, and an SES
message tag, so the office finds the request, the events and the log lines behind any e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.observability import correlation_id

REFERENCE = "Numer referencyjny"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


def with_reference(text: str, reference: str) -> str:
    return f"{text.rstrip()}\n\n{REFERENCE}: {reference}\n"


class SesMailer:
    def __init__(self, sender: str) -> None:
        self._sender = sender

    def send(self, mail: Mail) -> str:
        from chalicelib.integrations.aws import client

        reference = correlation_id()
        response = client("ses").send_email(
            Source=self._sender,
            Destination={"ToAddresses": [mail.to]},
            Message={
                "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": with_reference(mail.text, reference), "Charset": "UTF-8"}},
            },
            Tags=[{"Name": "correlation_id", "Value": reference}],
        )
        return str(response["MessageId"])
