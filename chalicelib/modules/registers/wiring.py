"""The registers module's heavy parts and ports, loaded on first use: the models, the table and the reading of a
case's form load with the first register request, never with `import app`."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.modules.registers import logic, models, prefill, public, repository
else:
    logic = lazy_module("chalicelib.modules.registers.logic")
    models = lazy_module("chalicelib.modules.registers.models")
    prefill = lazy_module("chalicelib.modules.registers.prefill")
    public = lazy_module("chalicelib.modules.registers.public")
    repository = lazy_module("chalicelib.modules.registers.repository")

__all__ = ["logic", "models", "ports", "prefill", "public", "registers", "repository"]
MAX_DOCUMENT = 10 * 1024 * 1024


class _CasesPort:
    """A case as the clerk of this request may open it (the cases module's interface), with its form's values
    read from the application document the resident filed (the submissions module's interface)."""

    def __init__(self, department: str | None) -> None:
        self._department = department

    def decided(self, terc: str, case_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        from lxml import etree

        from chalicelib.documents.wniosek import read
        from chalicelib.integrations.clients import objects
        from chalicelib.modules import cases, submissions

        record = cases.case_for_clerk(terc, case_id, department=self._department)
        stored = {f["name"]: f for f in submissions.stored_files(terc, str(record.get("submission_id")))}
        document = stored.get("document")
        if document is None:  # a paper case: no form to read, the clerk fills the entry
            return record, {}
        body = objects().get("documents", document["key"], max_bytes=MAX_DOCUMENT,
                             version_id=document.get("version_id")).body
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return record, read(etree.fromstring(body, parser)).values


def new_id(at: datetime) -> str:
    """Ids that grow with time, so the register's partition reads newest first."""
    return f"{at.astimezone(UTC):%Y%m%d%H%M%S%f}{secrets.token_hex(3)}"


@lru_cache(maxsize=1)
def registers() -> repository.DynamoRegisters:
    return repository.DynamoRegisters()


def ports(department: str | None = None) -> logic.Ports:
    from chalicelib.core.clock import WARSAW, get_clock
    from chalicelib.modules import tenants

    return logic.Ports(store=registers(), cases=_CasesPort(department), tenant=tenants.config, new_id=new_id,
                       today=lambda: get_clock().now().astimezone(WARSAW).date())
