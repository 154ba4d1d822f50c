"""`make run`'s sandbox e-Delivery box: started in-process, sealed by a provider certificate of the demo PKI,
with the demo region's JST boxes (public bodies) and a few residents' boxes registered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chalicelib.signatures import pki
from chalicelib.signatures.sealing import OfficeSeal
from sandboxes.edelivery import SandboxServer

ROOT = Path(__file__).resolve().parent.parent
DEMO_PKI = ROOT / ".local" / "demo-pki"
# Residents' and a firm's boxes for trying delivery by hand (README: "e-Doręczenia (sandbox)").
RESIDENTS = {
    "AE:PL-44051-40135-KOWAL-01": "Jan Kowalski",  # the demo PKI's resident (PESEL 44051401359)
    "AE:PL-85010-11234-NOWAK-02": "Anna Nowak",
    "AE:PL-52110-00001-OGROD-03": "Ogrody Kowalski sp. z o.o.",
}


def provider_seal(directory: Path = DEMO_PKI) -> OfficeSeal:
    """The sandbox provider's key and certificate, issued once by the demo intermediate and kept beside it."""
    demo = pki.ensure_demo(directory)
    key, cert = directory / "edelivery-provider.key.pem", directory / "edelivery-provider.crt.pem"
    if not (key.exists() and cert.exists()):
        issued = pki.issue_signer(pki.name("Dostawca usługi e-Doręczeń (piaskownica)",
                                           organization="e-Urząd (demo)"), demo.intermediate)
        cert.write_bytes(issued.cert_pem())
        key.write_bytes(issued.key_pem())
        key.chmod(0o600)
    return OfficeSeal(key.read_bytes(), cert.read_bytes() + demo.intermediate.cert_pem())


def region_boxes(region: Path) -> dict[str, str]:
    """ADE -> office name of every JST in the region's files that has an e-delivery address."""
    boxes = {}
    for path in sorted(region.glob("[0-9]*.yaml")):
        tenant: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        if tenant.get("edelivery_address"):
            boxes[str(tenant["edelivery_address"])] = str(tenant.get("office_name") or tenant["name"])
    return boxes


def start(port: int, *, region: Path = ROOT / "region" / "demo", directory: Path = DEMO_PKI) -> SandboxServer:
    server = SandboxServer(port, provider_seal(directory))
    for address, name in region_boxes(region).items():
        server.sandbox.register_box(address, name, public_body=True)
    for address, name in RESIDENTS.items():
        server.sandbox.register_box(address, name)
    return server.start()
