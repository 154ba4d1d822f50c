"""Published service definitions in DynamoDB, cached in the warm container.

Published versions never change, so caching them is safe; the cache only bounds how long a newly
published version takes to appear (settings.catalogue_cache_seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.cache import Expiring
from chalicelib.core.clock import get_clock
from chalicelib.core.settings import get_settings
from chalicelib.model.service import ServiceDefinition
from chalicelib.modules.catalogue.logic import check_republish, fingerprint
from chalicelib.modules.catalogue.resources import CatalogueTable


@dataclass(frozen=True)
class _Published:
    versions: dict[tuple[str, int], ServiceDefinition]
    latest: dict[str, ServiceDefinition]


def _load() -> _Published:
    # The whole catalogue is a few hundred items at most: one paginated Scan beats a query per service.
    versions = {
        # Published versions are read as they were published (rules added later apply to new versions only).
        (item.service_id, int(item.version)): ServiceDefinition.model_validate_json(
            item.definition, context={"published": True})
        for item in CatalogueTable.scan()
    }
    latest: dict[str, ServiceDefinition] = {}
    for (sid, version), defn in versions.items():
        if sid not in latest or version > latest[sid].version:
            latest[sid] = defn
    return _Published(versions=versions, latest=latest)


class DynamoCatalogue:
    def __init__(self, cache_seconds: float | None = None) -> None:
        ttl = get_settings().catalogue_cache_seconds if cache_seconds is None else cache_seconds
        self._published = Expiring(_load, ttl)

    def latest_all(self) -> list[ServiceDefinition]:
        return list(self._published.get().latest.values())

    def ids(self) -> set[str]:
        return set(self._published.get().latest)

    def get(self, service_id: str, version: int | None = None) -> ServiceDefinition | None:
        published = self._published.get()
        if version is None:
            return published.latest.get(service_id)
        return published.versions.get((service_id, version))

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
        self._published.clear()
        return True
