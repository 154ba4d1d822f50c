"""The payer's page of the sandbox gateway (`/trnRequest/{token}`): Polish, keyboard- and screen-reader-friendly."""

from __future__ import annotations

from html import escape

from sandboxes.p24_ledger import Transaction

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#0b0c0c;background:#fff;line-height:1.5}
main{max-width:36rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1.5rem}
button,a.link{font-size:1.1rem;padding:.6rem 1rem;border:2px solid #0b0c0c;border-radius:0;cursor:pointer}
button.pay{background:#00703c;color:#fff}
button.fail{background:#fff;color:#0b0c0c}
a.link{color:#1d70b8;border-color:transparent;text-decoration:underline}
:focus-visible{outline:3px solid #fd0;box-shadow:0 0 0 6px #0b0c0c}
.note{border-left:5px solid #1d70b8;padding-left:.75rem}
"""


def money(grosze: int) -> str:
    return f"{grosze // 100},{grosze % 100:02d} zł"


def page(title: str, body: str, status_text: str = "") -> bytes:
    status = f'<p role="status" class="note">{escape(status_text)}</p>' if status_text else ""
    return (f'<!doctype html><html lang="pl"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)} — Przelewy24 (sandbox)</title><style>{STYLE}</style></head>"
            f'<body><main id="tresc"><h1>{escape(title)}</h1>{status}{body}'
            "<p><small>Bramka testowa (sandbox): żadne pieniądze nie są pobierane.</small></p>"
            "</main></body></html>").encode()


def payer_page(tx: Transaction, *, open_for_payment: bool) -> bytes:
    facts = (f"<dl><dt>Odbiorca</dt><dd>sprzedawca nr {tx.merchant_id}</dd>"
             f"<dt>Tytuł</dt><dd>{escape(tx.description)}</dd>"
             f"<dt>Kwota</dt><dd>{money(tx.amount)}</dd>"
             f"<dt>Identyfikator sesji</dt><dd>{escape(tx.session_id)}</dd></dl>")
    back = f'<a class="link" href="{escape(tx.url_return, quote=True)}">Wróć do serwisu sprzedawcy</a>'
    if not open_for_payment:
        why = ("Ta płatność została już opłacona." if tx.outcome == "paid"
               else "Ta płatność została odrzucona." if tx.outcome == "failed"
               else "Czas na dokonanie tej płatności minął.")
        return page("Płatność niedostępna", facts + f'<div class="actions">{back}</div>', why)
    form = (f'<form method="post" action="/trnRequest/{escape(tx.token, quote=True)}" class="actions">'
            '<button type="submit" name="action" value="pay" class="pay">Zapłać</button>'
            '<button type="submit" name="action" value="fail" class="fail">Odrzuć płatność</button>'
            f'<a class="link" href="{escape(tx.url_return, quote=True)}">Porzuć</a></form>'
            '<p id="pomoc">„Zapłać” symuluje udaną płatność, „Odrzuć płatność” odmowę banku, '
            "„Porzuć” powrót bez płacenia.</p>")
    return page("Zapłać za pomocą Przelewy24", facts + form)
