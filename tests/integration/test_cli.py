"""The operator CLI: a malformed JST file names the field and nothing is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from chalicelib.modules.tenants.wiring import tenant_store
from tests.conftest import ROOT
from tests.integration.conftest import demo_files


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chalicelib.cli", *args], check=False, cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=120)


def piaseczno() -> Path:
    return next(p for p in demo_files() if p.name.startswith("1418043"))


def broken_copy(tmp_path: Path, **changes: object) -> Path:
    source = piaseczno()
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.update(changes)
    target = tmp_path / source.name
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_validate_accepts_the_demo_region() -> None:
    result = cli("tenants", "validate", *map(str, demo_files()))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("OK ") == len(demo_files())


def test_malformed_file_names_the_field_and_exits_non_zero(tmp_path: Path) -> None:
    bad = broken_copy(tmp_path, bank_account="61 1090 1014 0000 0712 1981 2875", edelivery_address="AE:PL-1")
    result = cli("tenants", "validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}: bank_account: Numer rachunku (NRB) ma błędną sumę kontrolną." in result.stderr
    assert f"{bad}: edelivery_address:" in result.stderr


def test_apply_writes_nothing_if_any_file_is_bad(platform: None, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    data = yaml.safe_load(piaseczno().read_text(encoding="utf-8"))
    data["name"] = data["name"] + " (zmieniona)"
    good.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    bad = broken_copy(tmp_path, terc="1418053", services=[{"id": "nie-ma-takiej-uslugi"}])
    before = tenant_store().get(data["terc"])
    result = cli("tenants", "apply", str(good), str(bad))
    assert result.returncode == 1
    assert "services[0].id" in result.stderr and "nie istnieje w katalogu" in result.stderr
    assert tenant_store().get(data["terc"]) == before
    assert tenant_store().get("1418053") is None


def test_export_round_trips(platform: None, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert cli("tenants", "export", str(out)).returncode == 0
    exported = sorted(out.glob("*.yaml"))
    assert len(exported) >= len(demo_files())
    assert cli("tenants", "validate", *map(str, exported)).returncode == 0


def test_republishing_the_catalogue_changes_nothing(platform: None) -> None:
    result = cli("catalogue", "publish")
    assert result.returncode == 0, result.stderr
    assert "opublikowano" not in result.stdout and "bez zmian" in result.stdout
