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
class Attachment:
    filename: str
    content_type: str  # may carry parameters, e.g. "text/calendar; method=REQUEST; charset=UTF-8"
    body: bytes


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()  # any: sent as a MIME message (SES SendRawEmail)


def with_reference(text: str, reference: str) -> str:
    return f"{text.rstrip()}\n\n{REFERENCE}: {reference}\n"


class SesMailer:
    def __init__(self, sender: str) -> None:
        self._sender = sender

    def send(self, mail: Mail) -> str:
        from chalicelib.integrations.aws import client

        reference = correlation_id()
        if mail.attachments:
            raw = client("ses").send_raw_email(
                Source=self._sender, Destinations=[mail.to], RawMessage={"Data": self._mime(mail, reference)},
                Tags=[{"Name": "correlation_id", "Value": reference}])
            return str(raw["MessageId"])
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

    def _mime(self, mail: Mail, reference: str) -> bytes:
        from email.message import EmailMessage

        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, mail.to, mail.subject
        message.set_content(with_reference(mail.text, reference))
        for a in mail.attachments:
            kind, _, params = a.content_type.partition(";")
            maintype, subtype = kind.strip().split("/", 1)
            message.add_attachment(a.body, maintype=maintype, subtype=subtype, filename=a.filename,
                                   params=dict(p.strip().split("=", 1) for p in params.split(";") if "=" in p))
        return message.as_bytes()
