"""The catalogue files in the repository: valid, and published versions unchanged since they were locked."""

from __future__ import annotations

from chalicelib.cli import FORMS, load_definitions, read_lock
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.catalogue.logic import fingerprint, form_schema

LOCK_HINT = "run `python -m chalicelib.cli catalogue lock` for a new version; a published version never changes"


def test_every_definition_is_locked_and_unchanged() -> None:
    lock = read_lock(FORMS)
    for defn in load_definitions():
        locked = lock.get(defn.id, {}).get(str(defn.version))
        assert locked is not None, f"{defn.id} v{defn.version} is not in published.lock.json: {LOCK_HINT}"
        assert locked == fingerprint(defn), f"{defn.id} v{defn.version} changed after publication: {LOCK_HINT}"


def test_at_least_eight_services_each_with_a_form_that_exports() -> None:
    defs = load_definitions()
    assert len({d.id for d in defs}) >= 8
    for defn in defs:
        schema = form_schema(defn).json_schema
        assert schema["properties"], defn.id


def test_demo_region_enables_only_catalogue_services_with_existing_departments() -> None:
    import yaml

    from tests.conftest import ROOT

    ids = {d.id for d in load_definitions()}
    defaults = {d.id: d.department for d in load_definitions()}
    files = sorted((ROOT / "region" / "demo").glob("[0-9]*.yaml"))
    kinds = set()
    for path in files:
        config = TenantConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        kinds.add(config.kind.value)
        symbols = {d.symbol for d in config.departments}
        for s in config.services:
            assert s.id in ids, f"{path.name}: {s.id}"
            if s.enabled:
                assert (s.department or defaults[s.id]) in symbols, f"{path.name}: {s.id} has no department"
    assert len(files) >= 4 and "powiat" in kinds
