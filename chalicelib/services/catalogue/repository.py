"""Published service definitions in DynamoDB, cached in the warm container.

Published versions never change, so caching them is safe; the cache only bounds how long a newly
published version takes to appear (settings.catalogue_cache_seconds).
"""

from __future__ import annotations

import time

from chalicelib.core.clock import get_clock
from chalicelib.core.settings import get_settings
from chalicelib.db.tables import CatalogueTable
from chalicelib.services.catalogue.logic import check_republish, fingerprint
from chalicelib.services.catalogue.schemas import ServiceDefinition


class DynamoCatalogue:
    def __init__(self, cache_seconds: float | None = None) -> None:
        self._ttl = get_settings().catalogue_cache_seconds if cache_seconds is None else cache_seconds
        self._loaded_at = float("-inf")
        self._all: dict[tuple[str, int], ServiceDefinition] = {}

    def _refresh(self) -> None:
        if time.monotonic() - self._loaded_at < self._ttl:
            return
        # The whole catalogue is a few hundred items at most: one paginated Scan beats a query per service.
        self._all = {
            (item.service_id, int(item.version)): ServiceDefinition.model_validate_json(item.definition)
            for item in CatalogueTable.scan()
        }
        self._loaded_at = time.monotonic()

    def latest_all(self) -> list[ServiceDefinition]:
        self._refresh()
        latest: dict[str, ServiceDefinition] = {}
        for (sid, version), defn in self._all.items():
            if sid not in latest or version > latest[sid].version:
                latest[sid] = defn
        return list(latest.values())

    def ids(self) -> set[str]:
        return {d.id for d in self.latest_all()}

    def get(self, service_id: str, version: int | None = None) -> ServiceDefinition | None:
        self._refresh()
        if version is not None:
            return self._all.get((service_id, version))
        versions = [v for (sid, v) in self._all if sid == service_id]
        return self._all[(service_id, max(versions))] if versions else None

    def publish(self, defn: ServiceDefinition) -> bool:
        """Publish one version; False if that exact content was already published (a no-op)."""
        try:
            existing = CatalogueTable.get(defn.id, defn.version, consistent_read=True)
            published_sha = existing.content_sha256
        except CatalogueTable.DoesNotExist:
            published_sha = None
        if not check_republish(defn, published_sha):
            return False
        item = CatalogueTable(
            service_id=defn.id,
            version=defn.version,
            definition=defn.model_dump_json(),
            content_sha256=fingerprint(defn),
            published_at=get_clock().now(),
        )
        # The condition makes immutability hold even against a concurrent publisher.
        item.save(condition=CatalogueTable.service_id.does_not_exist())
        self._loaded_at = float("-inf")
        return True
