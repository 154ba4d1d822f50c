"""Operator commands.

    python -m chalicelib.cli tenants validate FILE...      check JST configurations (exit 1 naming the field)
    python -m chalicelib.cli tenants apply FILE...         validate all, then load them; nothing is written if any fails
    python -m chalicelib.cli tenants export OUT [--terc T] write one JST (file) or all (directory) as YAML
    python -m chalicelib.cli catalogue validate [DIR]      check service definitions under forms/
    python -m chalicelib.cli catalogue publish [DIR]       publish new versions (published ones never change)
    python -m chalicelib.cli catalogue lock [DIR]          record new versions' fingerprints in DIR/published.lock.json
    python -m chalicelib.cli upp check UPP DOCUMENT        a UPP's seal, and whether it certifies DOCUMENT
    python -m chalicelib.cli dev-token --role ROLE [--tenant T] [--subject ID] [--department D] [--head] [--pesel P]
    python -m chalicelib.cli dlq show [QUEUE] [--limit N]  messages in every DLQ, or a look at one (left in place)
    python -m chalicelib.cli dlq redrive QUEUE [--limit N] move dead letters back to their queue
    python -m chalicelib.cli deadline --kind 7d|1m|2m --from YYYY-MM-DD [--paused DAYS]  the KPA due date
    python -m chalicelib.cli audit verify --tenant TERC   check a JST's audit chain (exit 1 naming the bad entry)
    python -m chalicelib.cli archive due|dispose --tenant TERC            retention: what is due; the job for one JST
    python -m chalicelib.cli archive export --tenant TERC --year Y --out D  category A's package for the state archive
    python -m chalicelib.cli payments set-keys FILE | demo-merchants [--gateway URL]  JSTs' payment gateway keys
    python -m chalicelib.cli costs apply FILE              the region's cost settings (e.g. region/demo/koszty.yaml)
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from chalicelib.core.auth import Role
from chalicelib.core.errors import ApiError, validation_details
from chalicelib.core.settings import get_settings
from chalicelib.model.service import ServiceDefinition
from chalicelib.model.tenant import TenantConfig

FORMS = Path(__file__).resolve().parent.parent / "forms"


class Invalid(Exception):
    def __init__(self, source: Path, details: list[dict[str, Any]]) -> None:
        self.source = source
        self.details = details
        super().__init__(str(source))


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise Invalid(path, [{"field": "", "code": "unreadable", "message": str(exc)}]) from exc


def load_tenant(path: Path) -> TenantConfig:
    try:
        return TenantConfig.model_validate(_load_yaml(path))
    except ValidationError as exc:
        raise Invalid(path, validation_details(exc)) from exc


def load_definitions(root: Path = FORMS) -> list[ServiceDefinition]:
    """Every `forms/<service>/v<N>.yaml`; the folder and file name must agree with the content."""
    found = []
    errors: list[Invalid] = []
    paths = sorted(root.glob("*/v*.yaml"))
    newest: dict[str, int] = {}
    for path in paths:
        if path.stem[1:].isdigit():
            newest[path.parent.name] = max(newest.get(path.parent.name, 0), int(path.stem[1:]))
    for path in paths:
        # A version with a newer one beside it stays as it was published; the newest must meet today's rules.
        superseded = path.stem[1:].isdigit() and int(path.stem[1:]) < newest[path.parent.name]
        try:
            defn = ServiceDefinition.model_validate(_load_yaml(path), context={"published": superseded})
        except ValidationError as exc:
            errors.append(Invalid(path, validation_details(exc)))
            continue
        except Invalid as exc:
            errors.append(exc)
            continue
        if path.parent.name != defn.id or path.stem != f"v{defn.version}":
            errors.append(Invalid(path, [{"field": "id", "code": "path_mismatch",
                                          "message": f"Plik powinien nazywać się {defn.id}/v{defn.version}.yaml."}]))
            continue
        found.append(defn)
    if errors:
        raise ExceptionGroup("invalid definitions", errors)
    return found


def _report(exc: Invalid) -> None:
    for d in exc.details:
        print(f"{exc.source}: {d['field'] or '<dokument>'}: {d['message']} [{d['code']}]", file=sys.stderr)


def _validate_tenants(files: list[Path], catalogue_ids: set[str],
                      definitions: dict[str, ServiceDefinition] | None = None) -> list[TenantConfig]:
    from chalicelib.modules.tenants.logic import check_against_catalogue

    configs, failed = [], False
    for path in files:
        try:
            config = load_tenant(path)
            check_against_catalogue(config, catalogue_ids, definitions)
        except Invalid as exc:
            _report(exc)
            failed = True
            continue
        except ApiError as exc:
            _report(Invalid(path, exc.details))
            failed = True
            continue
        configs.append(config)
    terc = [c.terc for c in configs]
    for dup in {t for t in terc if terc.count(t) > 1}:
        print(f"TERC {dup} występuje w więcej niż jednym pliku", file=sys.stderr)
        failed = True
    if failed:
        raise SystemExit(1)
    return configs


def tenants_validate(files: list[Path]) -> int:
    latest = {d.id: d for d in sorted(load_definitions(), key=lambda d: d.version)}
    configs = _validate_tenants(files, set(latest), latest)
    for c in configs:
        print(f"OK {c.terc} {c.name}: {sum(s.enabled for s in c.services)} usług włączonych")
    return 0


def tenants_apply(files: list[Path]) -> int:
    from chalicelib.core.clock import get_clock
    from chalicelib.modules.catalogue.wiring import catalogue
    from chalicelib.modules.tenants.logic import AuditEntry, changed_meanwhile
    from chalicelib.modules.tenants.models import StaleVersion
    from chalicelib.modules.tenants.wiring import tenant_store

    # All files are checked against the published catalogue before anything is written.
    latest = {d.id: d for d in catalogue().latest_all()}
    configs = _validate_tenants(files, set(latest), latest)
    store = tenant_store()
    actor = f"cli:{getpass.getuser()}"
    for config in configs:
        current = store.get(config.terc)
        if current is not None and current.config == config:
            print(f"bez zmian {config.terc} {config.name}")
            continue
        audit = AuditEntry.new(terc=config.terc, at=get_clock().now(), actor=actor, action="config.applied",
                               summary=f"wczytano konfigurację z pliku ({len(config.services)} usług)")
        try:
            version = store.save(config, expected_version=current.version if current else None, audit=audit)
        except StaleVersion:
            raise changed_meanwhile() from None
        print(f"zapisano {config.terc} {config.name} (wersja {version})")
    return 0


def _dump(config: TenantConfig) -> str:
    return yaml.safe_dump(config.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False)


def tenants_export(out: Path, terc: str | None) -> int:
    from chalicelib.modules.tenants.logic import require_tenant
    from chalicelib.modules.tenants.wiring import tenant_store

    store = tenant_store()
    if terc:
        out.write_text(_dump(require_tenant(store, terc).config), encoding="utf-8")
        print(f"zapisano {out}")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for config in store.all():
        path = out / f"{config.terc}.yaml"
        path.write_text(_dump(config), encoding="utf-8")
        print(f"zapisano {path}")
    return 0


def catalogue_validate(root: Path) -> int:
    for defn in load_definitions(root):
        print(f"OK {defn.id} v{defn.version}: {defn.name}")
    return 0


def lock_path(root: Path) -> Path:
    return root / "published.lock.json"


def read_lock(root: Path) -> dict[str, dict[str, str]]:
    path = lock_path(root)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def catalogue_lock(root: Path) -> int:
    """Record the fingerprint of every version not yet locked; a locked version that changed is an error."""
    from chalicelib.modules.catalogue.logic import check_republish, fingerprint

    lock = read_lock(root)
    for defn in load_definitions(root):
        versions = lock.setdefault(defn.id, {})
        if check_republish(defn, versions.get(str(defn.version))):
            versions[str(defn.version)] = fingerprint(defn)
            print(f"zablokowano {defn.id} v{defn.version}")
    text = json.dumps(lock, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    lock_path(root).write_text(text, encoding="utf-8")
    return 0


def catalogue_publish(root: Path) -> int:
    from chalicelib.modules.catalogue.wiring import catalogue

    repo = catalogue()
    for defn in load_definitions(root):
        written = repo.publish(defn)
        print(f"{'opublikowano' if written else 'bez zmian'} {defn.id} v{defn.version}")
    return 0


def dev_token(args: argparse.Namespace) -> int:
    from chalicelib.core.dev_issuer import issue

    print(issue(role=args.role, subject=args.subject or f"dev-{args.role}", terc=args.tenant,
                department=args.department, pesel=args.pesel, name=args.name, ttl_seconds=args.ttl,
                department_head=args.head))
    return 0


DEMO_PKI = FORMS.parent / ".local" / "demo-pki"


def signatures_verify(files: list[Path], policy: str) -> int:
    """Verify signed XML files; one line per signature. Exit 0 only when every signature is valid."""
    from chalicelib.modules.signatures import logic as service

    all_valid = True
    for path in files:
        outcome = service.verify(path.read_bytes(), policy)
        if isinstance(outcome, service.Unreadable):
            print(f"{path}: nieczytelny [{outcome.code}] {outcome.message}")
            all_valid = False
            continue
        for sig in outcome.signatures:
            who = f"{sig.signer.name} (PESEL {sig.signer.pesel})" if sig.signer and sig.signer.pesel else (
                sig.signer.name if sig.signer else "?")
            reasons = ", ".join(r.code for r in sig.reasons) or "-"
            print(f"{path}: {sig.verdict.value} · {who} · {reasons}")
            all_valid &= sig.verdict.value == "valid"
    return 0 if all_valid else 1


def signatures_seal(source: Path, out: Path | None) -> int:
    from chalicelib.modules.signatures import logic as service
    from chalicelib.signatures.xmlsafe import UnreadableDocument, parse_untrusted

    try:
        document = parse_untrusted(source.read_bytes(), max_bytes=get_settings().signature_max_bytes).getroot()
    except UnreadableDocument as exc:
        print(f"błąd: {exc.message} [{exc.code}]", file=sys.stderr)
        return 1
    sealed = service.seal(document)
    if out:
        out.write_bytes(sealed)
    else:
        sys.stdout.buffer.write(sealed)
    return 0


def signatures_install_demo(directory: Path = DEMO_PKI) -> int:
    """Generate the demo PKI once, trust its root and put the office seal into Secrets Manager."""
    from chalicelib.integrations import trust_material
    from chalicelib.modules.signatures import logic as service
    from chalicelib.resources import seal_secret_id, trust_store_uri
    from chalicelib.signatures import pki

    demo = pki.ensure_demo(directory)
    trust_material.write_trust_bundle(trust_store_uri(), demo.trust_bundle())
    trust_material.write_seal(seal_secret_id(), demo.seal.key_pem(), demo.seal_chain())
    service.reset()
    print(f"demo PKI in {directory}: trusted root -> {trust_store_uri()}, office seal -> {seal_secret_id()}")
    return 0


def _tenant_commands(sub: Any) -> None:
    tenants = sub.add_parser("tenants").add_subparsers(dest="action", required=True)
    validate = tenants.add_parser("validate")
    validate.set_defaults(run=lambda a: tenants_validate(a.files))
    apply = tenants.add_parser("apply")
    apply.set_defaults(run=lambda a: tenants_apply(a.files))
    for command in (validate, apply):
        command.add_argument("files", nargs="+", type=Path)
    export = tenants.add_parser("export")
    export.add_argument("out", type=Path)
    export.add_argument("--terc")
    export.set_defaults(run=lambda a: tenants_export(a.out, a.terc))


def _catalogue_commands(sub: Any) -> None:
    cat = sub.add_parser("catalogue").add_subparsers(dest="action", required=True)
    commands = {"validate": catalogue_validate, "publish": catalogue_publish, "lock": catalogue_lock}
    for action, command in commands.items():
        parser = cat.add_parser(action)
        parser.add_argument("root", nargs="?", type=Path, default=FORMS)
        parser.set_defaults(run=lambda a, command=command: command(a.root))


def _token_command(sub: Any) -> None:
    token = sub.add_parser("dev-token")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    for option in ("--tenant", "--subject", "--department"):
        token.add_argument(option)
    token.add_argument("--pesel", help="the person's PESEL, as the national login gives it (residents)")
    token.add_argument("--name", help='given and family name, e.g. "Jan Kowalski"')
    token.add_argument("--head", action="store_true", help="a clerk heading the department (assigns its cases)")
    token.add_argument("--ttl", type=int, default=3600)
    token.set_defaults(run=dev_token)


def _signature_commands(sub: Any) -> None:
    sig = sub.add_parser("signatures").add_subparsers(dest="action", required=True)
    verify = sig.add_parser("verify", help="verify signed XML files against the deployment's trust store")
    verify.add_argument("files", nargs="+", type=Path)
    verify.add_argument("--policy", choices=["strict", "archival"], default="strict")
    verify.set_defaults(run=lambda a: signatures_verify(a.files, a.policy))
    seal = sig.add_parser("seal", help="seal an XML document with the office seal (XAdES-BES, enveloped)")
    seal.add_argument("file", type=Path)
    seal.add_argument("-o", "--out", type=Path)
    seal.set_defaults(run=lambda a: signatures_seal(a.file, a.out))
    demo = sig.add_parser("install-demo-pki", help="generate the demo PKI, trust its root, store the seal")
    demo.add_argument("--dir", type=Path, default=DEMO_PKI)
    demo.set_defaults(run=lambda a: signatures_install_demo(a.dir))


def _receipt_commands(sub: Any) -> None:
    from chalicelib import cli_receipts  # only names a function; its imports are inside it

    receipts = sub.add_parser("upp").add_subparsers(dest="action", required=True)
    check = receipts.add_parser("check", help="verify a UPP's seal and that it certifies the given document")
    check.add_argument("receipt", type=Path)
    check.add_argument("document", type=Path)
    check.set_defaults(run=lambda a: cli_receipts.upp_check(a.receipt, a.document))


def parser() -> argparse.ArgumentParser:
    """One sub-command per operator task; each names the function it runs (`run`)."""
    from chalicelib import cli_archive, cli_audit, cli_costs, cli_deadline, cli_dlq, cli_payments

    root = argparse.ArgumentParser(prog="python -m chalicelib.cli", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = root.add_subparsers(dest="group", required=True)
    for add_commands in (_tenant_commands, _catalogue_commands, _token_command, _signature_commands,
                         _receipt_commands, cli_dlq.add_commands, cli_deadline.add_commands,
                         cli_audit.add_commands, cli_archive.add_commands, cli_payments.add_commands,
                         cli_costs.add_commands):
        add_commands(sub)
    return root


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from botocore.exceptions import BotoCoreError

    from chalicelib.local_platform import use_local_platform

    use_local_platform()
    try:
        return int(args.run(args))
    except ExceptionGroup as group:
        for exc in group.exceptions:
            if isinstance(exc, Invalid):
                _report(exc)
        return 1
    except ApiError as exc:
        print(f"błąd: {exc.message} [{exc.code}]", file=sys.stderr)
        for d in exc.details:
            print(f"  {d.get('field')}: {d.get('message')}", file=sys.stderr)
        return 1
    except BotoCoreError as exc:  # no credentials, no endpoint: say what to do, not a traceback
        print(f"błąd: brak połączenia z AWS ({exc}). Uruchom `make run` albo ustaw AWS_ENDPOINT_URL, "
              "EURZAD_RESOURCE_PREFIX i poświadczenia AWS.", file=sys.stderr)
        return 1

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
