"""The addressee's side of a sandbox box as a plain, accessible Polish HTML page: the messages that came in,
each with „Odbierz” until collected, then its documents."""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import quote

from sandboxes.edelivery_state import WARSAW, Box, Message, deemed_delivery

STATUS_NAMES = {
    "SUBMITTED": "Nadana",
    "SENT": "Wysłana",
    "AWAITING_DELIVERY": "Czeka na doręczenie",
    "DELIVERED": "Doręczona",
    "DEEMED_DELIVERED": "Uznana za doręczoną",
    "UNDELIVERED": "Niedoręczona",
}
STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.5}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #555;padding:.4rem;text-align:left;vertical-align:top}
button{font-size:1rem;padding:.3rem .8rem}:focus{outline:3px solid #0b5fff;outline-offset:2px}"""


def when(at: dt.datetime | None) -> str:
    return at.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M") if at else "—"


def _page(title: str, body: str) -> bytes:
    return (f'<!doctype html><html lang="pl"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>").encode()


def index(boxes: list[Box]) -> bytes:
    items = "".join(f'<li><a href="/skrzynka/{quote(b.address, safe="")}">{escape(b.name)}</a> '
                    f"({escape(b.address)}{', podmiot publiczny' if b.public_body else ''})</li>" for b in boxes)
    return _page("Piaskownica e-Doręczeń", "<h1>Piaskownica e-Doręczeń</h1>"
                 "<p>Skrzynki do doręczeń elektronicznych tej piaskownicy (nie jest to usługa publiczna).</p>"
                 f"<ul>{items or '<li>Brak skrzynek.</li>'}</ul>")


def _row(box: Box, message: Message, senders: dict[str, str]) -> str:
    path = f"/skrzynka/{quote(box.address, safe='')}"
    subject = escape(message.subject)
    if message.status == "AWAITING_DELIVERY":
        assert message.arrived_at is not None
        action = (f'<form method="post" action="{path}/odbierz/{message.message_id}">'
                  f'<button type="submit" aria-label="Odbierz wiadomość: {subject}">Odbierz</button></form>'
                  f"<p>Nieodebrana zostanie uznana za doręczoną {when(deemed_delivery(message.arrived_at))}.</p>")
    else:
        links = "".join(f'<li><a href="{path}/{message.message_id}/{index}" download="{escape(name)}">'
                        f"{escape(name)}</a></li>" for index, (name, _, _) in enumerate(message.documents))
        action = f"<ul>{links}</ul>" if links else "Brak dokumentów."
    return (f"<tr><td>{escape(senders.get(message.sender, message.sender))}</td><td>{subject}</td>"
            f"<td>{when(message.arrived_at)}</td><td>{STATUS_NAMES[message.status]}"
            f"{' ' + when(message.delivered_at) if message.delivered_at else ''}</td><td>{action}</td></tr>")


def inbox(box: Box, messages: list[Message], senders: dict[str, str], now: dt.datetime) -> bytes:
    rows = "".join(_row(box, m, senders) for m in sorted(messages, key=lambda m: m.submitted_at, reverse=True))
    table = ("<table><caption>Wiadomości odebrane i czekające na odbiór</caption><thead><tr>"
             '<th scope="col">Nadawca</th><th scope="col">Tytuł</th><th scope="col">Wpłynęła</th>'
             '<th scope="col">Stan</th><th scope="col">Działanie</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>") if rows else "<p>Skrzynka jest pusta.</p>"
    kind = "podmiot publiczny: doręczenie z chwilą wpływu" if box.public_body else "osoba lub firma"
    return _page(f"Skrzynka {box.name}", f"<h1>Skrzynka: {escape(box.name)}</h1>"
                 f"<p>Adres: {escape(box.address)} ({kind}). Czas piaskownicy: {when(now)}.</p>{table}"
                 '<p><a href="/">Wszystkie skrzynki</a></p>')
