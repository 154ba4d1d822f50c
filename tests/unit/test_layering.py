"""The import contracts (.importlinter, `lint-imports` in `make lint`) hold on the tree and bite when broken.

A copy of the packages gets one offending file, and lint-imports run on it names the contract it breaks.
That every module has its contract is a step of the module checklist (test_module_checklist.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
LAYERS = "Layers: entry points -> modules -> libraries -> model -> core"
LIBRARIES = "Libraries never import modules"
PURE_LOGIC = "Logic, the model and the libraries of pure logic never import Chalice or boto3"
NO_TOOLING = "The platform never imports the app, its tooling or the sandboxes"


def module_contract(name: str) -> str:
    return f"Module {name}: only its published interface is used from outside"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the packages under `root`, no others
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def broken_contracts(output: str) -> list[str]:
    """The names on the report's "<name> BROKEN [(n ignored imports)]" lines."""
    return [m.group(1) for m in re.finditer(r"^(.+) BROKEN(?: \(\d+ ignored imports?\))?$", output, re.MULTILINE)]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the platform's packages and the contracts."""
    for package in ("chalicelib", "infrastructure", "sandboxes"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("where", "source", "broken"), [
    # A module reaching into another module's files (its repository) instead of its published interface.
    ("chalicelib/modules/tenants/probe.py", "from chalicelib.modules.cases import repository\n",
     [module_contract("cases")]),
    ("chalicelib/modules/cases/probe.py", "from chalicelib.modules.catalogue.models import CatalogueEntry\n",
     [module_contract("catalogue")]),
    # A library (forms) or the events using a module, even through its published interface.
    ("chalicelib/forms/probe.py", "from chalicelib.modules import catalogue\n", [LAYERS, LIBRARIES]),
    ("chalicelib/events/probe.py", "import chalicelib.modules.submissions\n", [LAYERS, LIBRARIES]),
    # A lower layer importing a higher one: the core uses the shared model.
    ("chalicelib/core/probe.py", "from chalicelib.model import tenant\n", [LAYERS]),
    # A module's logic importing boto3.
    ("chalicelib/modules/cases/logic.py", "import boto3\n", [PURE_LOGIC]),
    # The platform reaching up into the app or the deployment tooling.
    ("chalicelib/modules/health/routes.py", "import app\n", [NO_TOOLING]),
    # ... and through the template (it collects every module's tables) a library reaches the modules too.
    ("chalicelib/integrations/probe.py", "from infrastructure import template\n", [LAYERS, LIBRARIES, NO_TOOLING]),
    # The platform knowing it talks to a sandbox gateway: it gets only the gateway's URL.
    ("chalicelib/integrations/probe.py", "from sandboxes import przelewy24\n", [NO_TOOLING]),
])
def test_a_broken_contract_fails_lint_naming_it(tree: Path, where: str, source: str, broken: list[str]) -> None:
    path = tree / where
    path.write_text((path.read_text() if path.exists() else "") + source)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout
    assert sorted(broken_contracts(result.stdout)) == sorted(broken)


def test_a_module_may_use_another_through_its_published_interface_and_the_events(tree: Path) -> None:
    (tree / "chalicelib/modules/tenants/probe.py").write_text(
        "from chalicelib.events.topics import RegistrationMessage\nfrom chalicelib.modules import cases, catalogue\n")
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout

