"""Signature verification throughput: the full verifier against python-xmlsec's bare cryptographic check.

Run from the project root: `.venv/bin/python bench/signatures.py` (or `make bench`). No AWS involved.
A ~20 KB enveloped XAdES-BES document is sealed once with RSA-2048 and once with ECDSA P-256 (demo PKI);
then, in alternating rounds, the same bytes are checked by
  - full: `Verifier.verify` with the strict policy (safe parsing, structure and wrapping checks, xmlsec's
    check, SignedProperties and SigningCertificateV2, certificate, chain to the trust store, signed content);
  - bare: parse with lxml, register the Id attribute, python-xmlsec `SignatureContext.verify` with the key
    taken from the certificate: the cryptographic minimum, with no policy at all.
Then the hostile inputs (`tests/hostile_signatures.py`: many references, signatures, transforms, certificates,
attributes, namespaces, objects, deep nesting, long values, and valid documents just under the work bound)
are each verified a few times in the same run as a normal ~20 KiB document; the slowest median is compared
with the normal document's (`--hostile-only` skips the throughput part).
It measures and writes down; there are no thresholds.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xmlsec  # noqa: E402
from lxml import etree  # noqa: E402

from chalicelib.signatures import pki  # noqa: E402
from chalicelib.signatures import xades as xs  # noqa: E402
from chalicelib.signatures.limits import Limits  # noqa: E402
from chalicelib.signatures.sealing import OfficeSeal  # noqa: E402
from chalicelib.signatures.trust import TrustStore  # noqa: E402
from chalicelib.signatures.verifier import STRICT, Verifier  # noqa: E402
from chalicelib.signatures.xmlsafe import UnreadableDocument  # noqa: E402
from tests import hostile_signatures as hostile  # noqa: E402
from tests import signing  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "signatures.md"


def document(target_bytes: int = 20_000) -> etree._Element:
    """An application with enough rows (a list of attachments and parties) to weigh about 20 KB."""
    ns = "urn:eurzad:wniosek"
    root = etree.Element(f"{{{ns}}}Wniosek", nsmap={None: ns})
    etree.SubElement(root, f"{{{ns}}}Usluga").text = "zaswiadczenie-o-zameldowaniu"
    rows = etree.SubElement(root, f"{{{ns}}}Pozycje")
    i = 0
    while len(etree.tostring(root)) < target_bytes - 3_000:  # the signature adds about 3 KB
        row = etree.SubElement(rows, f"{{{ns}}}Pozycja", nr=str(i))
        etree.SubElement(row, f"{{{ns}}}Opis").text = f"Załącznik {i}: skan dokumentu tożsamości, strona {i % 4 + 1}"
        etree.SubElement(row, f"{{{ns}}}Kwota").text = f"{i * 3.17:.2f}"
        i += 1
    return root


def bare_check(data: bytes) -> None:
    root = etree.fromstring(data)
    signature = root.find(xs.ds("Signature"))
    assert signature is not None
    xmlsec.tree.add_ids(root, ["Id"])
    cert = signature.findtext(f"{xs.ds('KeyInfo')}/{xs.ds('X509Data')}/{xs.ds('X509Certificate')}")
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_memory(base64.b64decode(cert or ""), xmlsec.constants.KeyDataFormatCertDer)
    context.verify(signature)


def rate(check: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        check()
        count += 1
    return count / elapsed


def largest_within_limits(make: Callable[[int], bytes], limits: Limits) -> bytes:
    """`make(n)` for the largest n the verifier's structural limits (and the 2 MiB body) still accept."""
    def accepted(n: int) -> bool:
        data = make(n)
        if len(data) > 2 * 1024 * 1024:
            return False
        try:
            limits.check(etree.fromstring(data), data)
        except UnreadableDocument:
            return False
        return True

    low, high = 1, 2
    while accepted(high):
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if accepted(mid) else (low, mid)
    return make(low)


def hostile_inputs(demo: pki.DemoPki) -> dict[str, Callable[[], bytes]]:
    seal = hostile.sealer(demo)
    limits = Limits()

    def inclusive(n: int) -> bytes:
        unsigned = hostile.wide(etree.tostring, n, depth=8, namespaces=20)
        return signing.sign_with_signxml(unsigned, demo.resident, [demo.intermediate.cert])

    # Valid documents as large as the limits let them be (see chalicelib/signatures/limits.py)
    at_bound = {
        "valid, rows (exc-c14n), largest accepted": lambda: largest_within_limits(
            lambda n: seal(hostile.document(n * 1000)), limits),
        "valid, empty elements 14 deep, largest accepted": lambda: largest_within_limits(
            lambda n: hostile.wide(seal, n * 100, depth=12), limits),
        "valid, empty elements 60 deep, largest accepted": lambda: largest_within_limits(
            lambda n: hostile.wide(seal, n * 100, depth=58), limits),
        "valid, c14n 1.1 under 20 namespaces, largest accepted": lambda: largest_within_limits(
            lambda n: inclusive(n * 100), limits),
    }
    return {**at_bound, **hostile.shapes(demo)}


def timed(verifier: Verifier, data: bytes, repeat: int) -> tuple[float, str, int]:
    """Median seconds, the outcome (verdict or refusal code) and the report's size in bytes."""
    times, outcome, size = [], "", 0
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            report = verifier.verify(data, STRICT)
            body = report.model_dump_json()
            outcome, size = report.verdict.value, len(body.encode())
        except UnreadableDocument as exc:
            outcome, size = f"422 {exc.code}", 0
        times.append(time.perf_counter() - started)
    return statistics.median(times), outcome, size


def hostile_section(demo: pki.DemoPki, repeat: int) -> list[str]:
    verifier = Verifier(TrustStore.from_pem(demo.trust_bundle()), max_bytes=2 * 1024 * 1024)
    normal = hostile.sealer(demo)(document())
    verifier.verify(normal, STRICT)
    base, _, _ = timed(verifier, normal, repeat * 5)
    rows = []
    for name, make in hostile_inputs(demo).items():
        data = make()
        seconds, outcome, size = timed(verifier, data, repeat)
        rows.append((name, len(data), seconds, outcome, size))
        print(f"{name}: {len(data) / 1024:.0f} KiB, {seconds * 1000:.0f} ms ({seconds / base:.0f}x), {outcome}",
              flush=True)
    worst = max(rows, key=lambda r: r[2])
    lines = [
        "",
        "## Hostile inputs",
        "",
        f"Median of {repeat} verifications each (strict policy), in the same run as a normal "
        f"{len(normal) / 1024:.1f} KiB sealed document: {base * 1000:.1f} ms. Load average at the start: "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs.",
        "",
        "| input | size | outcome | report | median | × normal |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for name, length, seconds, outcome, size in rows:
        lines.append(f"| {name} | {length / 1024:.0f} KiB | {outcome} | {size / 1024:.0f} KiB | "
                     f"{seconds * 1000:.0f} ms | {seconds / base:.0f} |")
    lines += ["", f"Worst: {worst[0]}, {worst[2] * 1000:.0f} ms = {worst[2] / base:.0f} × the normal document."]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=1.0, help="per round and contender")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--repeat", type=int, default=3, help="verifications per hostile input")
    parser.add_argument("--hostile-only", action="store_true")
    args = parser.parse_args()

    demo = pki.generate_demo()
    if args.hostile_only:
        previous = args.output.read_text().split("\n## Hostile inputs")[0].rstrip("\n").split("\n")
        args.output.write_text("\n".join(previous + hostile_section(demo, args.repeat)) + "\n")
        print(f"written to {args.output.relative_to(ROOT)}")
        return 0
    verifier = Verifier(TrustStore.from_pem(demo.trust_bundle()))
    seals = {
        "RSA-2048": demo.seal,
        "ECDSA P-256": pki.issue_signer(demo.seal.cert.subject, demo.intermediate, key=pki.new_key("ec")),
    }
    lines = [
        "# Signature verification throughput",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · "
        f"{platform.machine()} · lxml {etree.__version__} · xmlsec {xmlsec.__version__} · "
        f"{args.rounds} rounds × {args.seconds:.1f} s per contender, alternating",
        "",
        "| key | document | full verifier (median/s) | bare xmlsec check (median/s) | full / bare | "
        "first full verification (cold caches) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, issued in seals.items():
        seal = OfficeSeal(issued.key_pem(), issued.cert_pem() + demo.intermediate.cert_pem())
        data = seal.seal(document(), signing_time=dt.datetime.now(dt.UTC))
        cold = Verifier(TrustStore.from_pem(demo.trust_bundle()))
        started = time.perf_counter()
        report = cold.verify(data, STRICT)
        first_ms = (time.perf_counter() - started) * 1000
        assert report.verdict.value == "valid", report.signature.reasons
        bare_check(data)
        full_rates, bare_rates = [], []
        for _ in range(args.rounds):
            full_rates.append(rate(lambda: verifier.verify(data, STRICT), args.seconds))  # noqa: B023
            bare_rates.append(rate(lambda: bare_check(data), args.seconds))  # noqa: B023
        full, bare = statistics.median(full_rates), statistics.median(bare_rates)
        lines.append(f"| {label} | {len(data) / 1024:.1f} KiB | {full:.0f} | {bare:.0f} | {full / bare:.2f} | "
                     f"{first_ms:.1f} ms |")
        print(f"{label}: full {full:.0f}/s, bare {bare:.0f}/s, ratio {full / bare:.2f}, first {first_ms:.1f} ms",
              flush=True)
    lines += [
        "",
        "The full verifier's chain check is cached per signer certificate (10 minutes, per hour of validation "
        "time); the first verification builds it.",
        *hostile_section(demo, args.repeat),
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n")
    print(f"written to {args.output.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
