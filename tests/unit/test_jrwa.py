"""The platform's JRWA: catalogue services name final classes, and when a closed case's files may leave."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from chalicelib.cli import FORMS, load_definitions, main
from chalicelib.model import jrwa
from chalicelib.model.service import ServiceDefinition
from chalicelib.modules.catalogue import logic
from tests.samples import service, tenant


@pytest.mark.parametrize(("category", "closed_on", "expected"), [
    # whole calendar years counted from 1 January of the year after the case closed
    ("B5", date(2026, 3, 10), date(2032, 1, 1)),
    ("B5", date(2026, 12, 31), date(2032, 1, 1)),
    ("B5", date(2027, 1, 1), date(2033, 1, 1)),
    ("B10", date(2026, 1, 1), date(2037, 1, 1)),
    ("BE5", date(2024, 2, 29), date(2030, 1, 1)),
    ("BE10", date(2025, 12, 31), date(2036, 1, 1)),
    ("B2", date(2026, 7, 1), date(2029, 1, 1)),
    ("B50", date(2026, 6, 30), date(2077, 1, 1)),
    ("A", date(2026, 3, 10), None),  # archival material: never destroyed, handed to the state archive
])
def test_archive_date_by_category(category: str, closed_on: date, expected: date | None) -> None:
    assert jrwa.archive_date(category, closed_on) == expected


@pytest.mark.parametrize(("category", "reviewed"), [("A", False), ("B5", False), ("B50", False), ("BE5", True),
                                                    ("BE10", True)])
def test_only_be_categories_go_to_the_state_archives_review(category: str, reviewed: bool) -> None:
    assert jrwa.expert_review(category) is reviewed


@pytest.mark.parametrize("category", ["", "C5", "B", "BE", "B0", "B100", "a", "BE5 "])
def test_an_unknown_category_is_refused(category: str) -> None:
    with pytest.raises(ValueError, match="Nieznana kategoria archiwalna"):
        jrwa.archive_date(category, date(2026, 1, 1))


def test_every_class_of_the_wykaz_has_a_symbol_a_case_sign_takes_and_a_known_category() -> None:
    for symbol, found in jrwa.WYKAZ.items():
        assert 3 <= len(symbol) <= 4 and symbol.isdigit() and found.symbol == symbol and found.title
        jrwa.retention_years(found.category)


def test_the_newest_version_of_every_catalogue_service_names_a_final_class_with_its_category() -> None:
    newest: dict[str, ServiceDefinition] = {}
    for defn in load_definitions():
        if defn.id not in newest or defn.version > newest[defn.id].version:
            newest[defn.id] = defn
    for defn in newest.values():
        found = defn.jrwa_class
        assert found is not None, f"{defn.id} v{defn.version}: {defn.jrwa}"
        assert jrwa.CATEGORY_PATTERN.match(found.category)
    # the groups that gave signs like OR.0.1.2026 are gone from what residents file under today
    assert {d.jrwa for d in newest.values()}.isdisjoint({"0", "31", "66", "72"})


def _forms_with(tmp_path: Path, service_id: str, **versions: dict[str, object]) -> Path:
    """A forms folder holding one service, one file per version, each a copy of the real one with changes."""
    source = yaml.safe_load((FORMS / "pismo-ogolne" / "v2.yaml").read_text(encoding="utf-8"))
    (tmp_path / service_id).mkdir()
    for name, changes in versions.items():
        data = {**source, "id": service_id, "version": int(name[1:]), **changes}
        (tmp_path / service_id / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EURZAD_RESOURCE_PREFIX", "unit")  # the CLI looks for no local platform


@pytest.mark.parametrize("symbol", ["31", "0", "3", "9999", "312"])
def test_validate_refuses_a_symbol_that_is_not_a_final_class_naming_file_and_field(
        tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str], symbol: str) -> None:
    root = _forms_with(tmp_path, "pismo-testowe", v1={"jrwa": symbol})

    assert main(["catalogue", "validate", str(root)]) == 1
    err = capsys.readouterr().err
    path = root / "pismo-testowe" / "v1.yaml"
    assert f"{path}: jrwa: Symbol JRWA „{symbol}” nie jest klasą końcową wykazu akt platformy" in err
    assert "[jrwa_not_final]" in err


def test_a_superseded_version_keeps_the_class_it_was_published_with(
        tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    root = _forms_with(tmp_path, "pismo-testowe", v1={"jrwa": "0"}, v2={"jrwa": "1510"})

    assert main(["catalogue", "validate", str(root)]) == 0
    assert capsys.readouterr().out.count("OK pismo-testowe") == 2


def test_the_newest_version_must_name_a_final_class_even_beside_older_ones(
        tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    root = _forms_with(tmp_path, "pismo-testowe", v1={"jrwa": "1510"}, v2={"jrwa": "15"})

    assert main(["catalogue", "validate", str(root)]) == 1
    assert f"{root / 'pismo-testowe' / 'v2.yaml'}: jrwa:" in capsys.readouterr().err


def test_the_real_catalogue_validates(tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FORMS, tmp_path / "forms")
    assert main(["catalogue", "validate", str(tmp_path / "forms")]) == 0, capsys.readouterr().err


def test_a_published_version_is_read_as_published() -> None:
    stored = service(jrwa="3120").model_dump_json().replace('"3120"', '"31"')
    with pytest.raises(ValueError, match="nie jest klasą końcową"):
        ServiceDefinition.model_validate_json(stored)
    assert ServiceDefinition.model_validate_json(stored, context={"published": True}).jrwa_class is None


def test_the_catalogue_entry_shows_the_class_and_its_archival_category() -> None:
    trees = service(jrwa="6131")
    shown = logic.entry(trees)
    assert (shown.jrwa, shown.jrwa_title, shown.archival_category) == (
        "6131", jrwa.WYKAZ["6131"].title, jrwa.WYKAZ["6131"].category)
    # a JST that files the service under another class shows that class's category
    offered = logic.entry(trees, tenant(services=[{"id": trees.id, "jrwa": "1510"}]))
    assert (offered.jrwa, offered.archival_category) == ("1510", "A")
