"""docs/architecture.md's checklist "Adding an e-service module" holds for every module in MODULES.

The checklist's steps and the checks below are the same list, in the same order: a step added to the document
needs its check here, and a check added here needs its step there.
"""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Blueprint
from pydantic import BaseModel

from chalicelib.modules import MODULES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib" / "modules"
DOCUMENT = ROOT / "docs" / "architecture.md"
MODEL_NAME = re.compile(r"^modules\.(\w+)\.models:(\w+)$")


def has(name: str, file: str) -> bool:
    return (PACKAGE / name / file).is_file()


def imports(name: str, file: str) -> set[str]:
    """The top-level packages a module's file imports (at any depth of the file)."""
    tree = ast.parse((PACKAGE / name / file).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def check_init(name: str) -> None:
    assert has(name, "__init__.py"), f"chalicelib/modules/{name}/__init__.py is missing"
    docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
    assert docstring, f"{name}/__init__.py must say what the module does (a docstring)"


def check_listed(name: str) -> None:
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert name in folders
    assert sorted(folders) == sorted(MODULES), "every folder under chalicelib/modules is listed in MODULES"


def _blueprint(name: str, file: str) -> None:
    if has(name, file):
        part = import_module(f"chalicelib.modules.{name}.{file.removesuffix('.py')}")
        assert isinstance(getattr(part, "bp", None), Blueprint), f"{name}/{file} has no `bp` Blueprint"


def check_routes(name: str) -> None:
    _blueprint(name, "routes.py")


def check_workers(name: str) -> None:
    _blueprint(name, "workers.py")
    assert has(name, "routes.py") or has(name, "workers.py"), f"{name} has neither routes nor workers"


def _named_models() -> set[str]:
    from app import app
    from chalicelib.core.route_doc import DOC_ATTR

    docs = [getattr(entry.view_function, DOC_ATTR, None) for methods in app.routes.values()
            for entry in methods.values()]
    return {ref for doc in docs if doc is not None for ref in (doc.request, doc.response, doc.params)
            if isinstance(ref, str) and MODEL_NAME.match(ref)}


def check_models(name: str) -> None:
    named = [MODEL_NAME.match(ref) for ref in _named_models()]
    for found in (m for m in named if m and m.group(1) == name):
        assert has(name, "models.py"), f"a route names {found.group(0)} but {name}/models.py is missing"
        model = getattr(import_module(f"chalicelib.modules.{name}.models"), found.group(2), None)
        assert isinstance(model, type) and issubclass(model, BaseModel), f"{found.group(0)} is not a model"


def check_logic(name: str) -> None:
    if has(name, "resources.py"):
        assert has(name, "logic.py"), f"{name} keeps data but has no logic.py"
    if has(name, "logic.py"):
        assert not imports(name, "logic.py") & {"chalice", "boto3", "botocore"}, f"{name}/logic.py is not pure"


def _resources(name: str) -> Any:
    return import_module(f"chalicelib.modules.{name}.resources")


def check_resources(name: str) -> None:
    if not has(name, "resources.py"):
        return
    from chalicelib import resources
    from infrastructure.template import render

    rendered = render()["Resources"].values()
    table_names = {r["Properties"]["TableName"] for r in rendered if r["Type"] == "AWS::DynamoDB::Table"}
    queue_names = {r["Properties"]["QueueName"] for r in rendered if r["Type"] == "AWS::SQS::Queue"}
    declared = _resources(name)
    for table in declared.TABLES:
        assert table.Meta.table_name in table_names, f"{name}: table {table.__name__} is not in the template"
    for queue in declared.QUEUES:
        assert {resources.queue_name(queue.key), resources.dlq_name(queue.key)} <= queue_names, (
            f"{name}: queue {queue.key} (with its dead-letter queue) is not in the template")


def check_repository(name: str) -> None:
    if has(name, "resources.py") and _resources(name).TABLES:
        assert has(name, "repository.py"), f"{name} owns tables but has no repository.py"


def check_wiring(name: str) -> None:
    if has(name, "repository.py"):
        assert has(name, "wiring.py"), f"{name} has a repository but no wiring.py"


def check_contract(name: str) -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    contracts = [s for s in config.values() if s.get("type") == "protected"
                 and s.get("protected_modules", "").strip() == f"chalicelib.modules.{name}.*"]
    assert len(contracts) == 1, f".importlinter needs one protected contract for chalicelib.modules.{name}.*"
    allowed = contracts[0]["allowed_importers"].split()
    assert f"chalicelib.modules.{name}" in allowed
    others = [a for a in allowed if a.startswith("chalicelib.modules") and a != f"chalicelib.modules.{name}"]
    assert others == [], f"only {name} itself may use its files, not {others}"


STEPS: dict[str, Callable[[str], None]] = {
    "__init__.py": check_init,
    "MODULES": check_listed,
    "routes.py": check_routes,
    "workers.py": check_workers,
    "models.py": check_models,
    "logic.py": check_logic,
    "resources.py": check_resources,
    "repository.py": check_repository,
    "wiring.py": check_wiring,
    ".importlinter": check_contract,
}


def checklist() -> list[str]:
    """The steps of the document's checklist: the code span each numbered item starts with."""
    text = DOCUMENT.read_text(encoding="utf-8")
    section = text.split("## Adding an e-service module", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\d+\. `([^`]+)`", section, re.MULTILINE)


def test_the_checklist_names_the_steps_this_test_checks() -> None:
    assert checklist() == list(STEPS)


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("name", MODULES)
def test_every_module_follows_the_checklist(name: str, step: str) -> None:
    STEPS[step](name)


def test_a_step_the_document_drops_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = tmp_path / "architecture.md"
    edited.write_text(re.sub(r"^8\. `repository\.py`.*$", "", DOCUMENT.read_text(encoding="utf-8"),
                             flags=re.MULTILINE), encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.DOCUMENT", edited)
    with pytest.raises(AssertionError):
        test_the_checklist_names_the_steps_this_test_checks()


def test_a_folder_missing_from_modules_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.MODULES", tuple(m for m in MODULES if m != "health"))
    with pytest.raises(AssertionError, match="listed in MODULES"):
        check_listed("cases")


def test_a_table_missing_from_the_template_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import infrastructure.template as template

    rendered = template.render()
    rendered["Resources"] = {k: v for k, v in rendered["Resources"].items() if k != "CaseTable"}
    monkeypatch.setattr(template, "render", lambda: rendered)
    with pytest.raises(AssertionError, match="CaseTable is not in the template"):
        check_resources("cases")
