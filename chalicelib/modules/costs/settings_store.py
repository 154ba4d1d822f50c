"""The region's cost settings in DynamoDB: one item, replaced whole, refused when someone saved in between."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import PutError

from chalicelib.core.errors import Conflict
from chalicelib.modules.costs.resources import CostSettingsTable
from chalicelib.modules.costs.settings import CostSettings

ITEM = "region"


class StaleSettings(Conflict):
    code = "version_conflict"
    message = "Ustawienia kosztów zmienił ktoś inny w międzyczasie: wczytaj je ponownie."


@dataclass(frozen=True)
class StoredSettings:
    settings: CostSettings
    version: int
    updated_at: datetime | None = None
    updated_by: str | None = None


class DynamoCostSettings:
    def get(self) -> StoredSettings | None:
        try:
            item = CostSettingsTable.get(ITEM, consistent_read=True)
        except CostSettingsTable.DoesNotExist:
            return None
        return StoredSettings(CostSettings.model_validate_json(item.settings), int(item.version), item.updated_at,
                              item.updated_by)

    def save(self, settings: CostSettings, *, expected_version: int | None, at: datetime, actor: str) -> int:
        """Store the settings as version n+1; with `expected_version` only over that version (else 409)."""
        current = self.get() if expected_version is None else None
        base = expected_version if expected_version is not None else (current.version if current else 0)
        item = CostSettingsTable(id=ITEM, settings=settings.model_dump_json(), version=base + 1, updated_at=at,
                                 updated_by=actor)
        condition = (CostSettingsTable.id.does_not_exist() if base == 0 else CostSettingsTable.version == base)
        try:
            item.save(condition=condition)
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise StaleSettings() from exc
            raise
        return base + 1
