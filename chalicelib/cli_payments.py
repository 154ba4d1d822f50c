"""`payments`: the JSTs' merchant keys at the payment gateway, kept in Secrets Manager.

    payments set-keys FILE                     store the keys of the JST in FILE (its `payments:` section) from
                                               P24_CRC / P24_API_KEY or a prompt
    payments demo-merchants [FILE...] [--gateway URL]  demo keys for every demo JST that takes payments; with
                                               --gateway, the merchant accounts are also opened at the local
                                               sandbox gateway (its /_sandbox/merchants hook)
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from pathlib import Path
from typing import Any

REGION = Path(__file__).resolve().parent.parent / "region" / "demo"


def demo_keys(merchant_id: int) -> tuple[str, str]:
    """(crc, api_key) of a demo merchant: derived from its id, the same on every run; never for real money."""
    seed = f"eurzad-demo-merchant:{merchant_id}".encode()
    return hashlib.sha256(b"crc:" + seed).hexdigest()[:16], hashlib.sha256(b"api:" + seed).hexdigest()[:32]


def demo_merchants(files: list[Path], gateway: str | None = None) -> int:
    from chalicelib import cli
    from chalicelib.integrations.payment_gateways import secret_id, write_credentials

    for path in files:
        tenant = cli.load_tenant(path)
        if tenant.payments is None:
            print(f"{tenant.terc} {tenant.name}: bez płatności online")
            continue
        setting = tenant.payments
        crc, api_key = demo_keys(setting.merchant_id)
        write_credentials(secret_id(setting.credentials_secret), crc=crc, api_key=api_key, terc=tenant.terc)
        if gateway:
            _open_account(gateway, {"merchant_id": setting.merchant_id, "pos_id": setting.pos_id, "crc": crc,
                                    "api_key": api_key})
        print(f"{tenant.terc} {tenant.name}: konto sprzedawcy {setting.merchant_id}, "
              f"klucze w {secret_id(setting.credentials_secret)}")
    return 0


def _open_account(gateway: str, account: dict[str, Any]) -> None:
    import urllib.request

    if not gateway.startswith(("http://", "https://")):
        raise SystemExit(f"błąd: --gateway musi być adresem http(s): {gateway}")
    request = urllib.request.Request(gateway.rstrip("/") + "/_sandbox/merchants", method="POST",  # noqa: S310
                                     data=json.dumps(account).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (checked above)
        pass


def set_keys(path: Path) -> int:
    from chalicelib import cli
    from chalicelib.integrations.payment_gateways import secret_id, write_credentials

    tenant = cli.load_tenant(path)
    if tenant.payments is None:
        print(f"błąd: {path}: JST nie ma sekcji payments (płatności online)")
        return 1
    crc = os.environ.get("P24_CRC") or getpass.getpass("Klucz CRC: ")
    api_key = os.environ.get("P24_API_KEY") or getpass.getpass("Klucz API (raportów): ")
    if not crc or not api_key:
        print("błąd: oba klucze są wymagane")
        return 1
    name = secret_id(tenant.payments.credentials_secret)
    write_credentials(name, crc=crc, api_key=api_key, terc=tenant.terc)
    print(f"{tenant.terc} {tenant.name}: klucze zapisane w {name}")
    return 0


def add_commands(sub: Any) -> None:
    payments = sub.add_parser("payments").add_subparsers(dest="action", required=True)
    keys = payments.add_parser("set-keys", help="store a JST's gateway keys (P24_CRC, P24_API_KEY or a prompt)")
    keys.add_argument("file", type=Path)
    keys.set_defaults(run=lambda a: set_keys(a.file))
    demo = payments.add_parser("demo-merchants", help="demo keys for the demo JSTs that take payments")
    demo.add_argument("files", nargs="*", type=Path)
    demo.add_argument("--gateway", help="the local sandbox gateway's URL: open the accounts there too")
    demo.set_defaults(run=lambda a: demo_merchants(a.files or sorted(REGION.glob("[0-9]*.yaml")), a.gateway))
