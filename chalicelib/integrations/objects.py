"""Objects in the platform's S3 buckets: documents, receipts, attachments; presigned upload and download."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalicelib.integrations.aws import client
from chalicelib.resources import bucket_name


@dataclass(frozen=True)
class StoredObject:
    body: bytes
    content_type: str
    metadata: dict[str, str]
    size: int
    etag: str = ""  # S3's entity tag of exactly these bytes


class Changed(Exception):
    """The object is no longer the one the caller named by its ETag (it was overwritten)."""


class TooLarge(Exception):
    """The object is bigger than the caller is willing to read."""


class S3Objects:
    """Buckets are named by their declared key (chalicelib.resources.BUCKETS), never by full name."""

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> str | None:
        """Store `body`; returns the version id (versioned buckets) once S3 has it durably."""
        response = client("s3").put_object(Bucket=bucket_name(bucket), Key=key, Body=body, ContentType=content_type)
        return _version(response)

    def get(self, bucket: str, key: str, *, max_bytes: int, version_id: str | None = None) -> StoredObject:
        extra = {"VersionId": version_id} if version_id else {}
        response = client("s3").get_object(Bucket=bucket_name(bucket), Key=key, **extra)
        size = int(response["ContentLength"])
        if size > max_bytes:
            response["Body"].close()
            raise TooLarge(size)
        return StoredObject(body=response["Body"].read(), content_type=response.get("ContentType", ""),
                            metadata=dict(response.get("Metadata") or {}), size=size,
                            etag=str(response.get("ETag", "")))

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str, *,
             if_match: str | None = None, src_version: str | None = None) -> str | None:
        """Server-side copy; with `if_match`, only if the source still has that ETag (else Changed), so what is
        copied is exactly what was read before; with `src_version`, that version of the source."""
        extra = {"CopySourceIfMatch": _quoted(if_match)} if if_match else {}
        source = {"Bucket": bucket_name(src_bucket), "Key": src_key}
        if src_version:
            source["VersionId"] = src_version
        with _precondition():
            response = client("s3").copy_object(Bucket=bucket_name(dst_bucket), Key=dst_key, CopySource=source,
                                                **extra)
        return _version(response)

    def delete(self, bucket: str, key: str) -> None:
        client("s3").delete_object(Bucket=bucket_name(bucket), Key=key)

    def purge(self, bucket: str, prefix: str) -> int:
        """Delete every version and delete marker under `prefix` (in a versioned bucket a plain delete only hides
        the object); the number of versions deleted. Nothing under it: 0, so a repeated purge is harmless."""
        s3, name, removed = client("s3"), bucket_name(bucket), 0
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name, Prefix=prefix):
            found = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                     for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
            for start in range(0, len(found), 1000):
                s3.delete_objects(Bucket=name, Delete={"Objects": found[start:start + 1000], "Quiet": True})
            removed += len(page.get("Versions", []))
        return removed

    def presigned_post(
        self, bucket: str, key: str, *, content_type: str, max_bytes: int, metadata: dict[str, str], expires: int
    ) -> dict[str, Any]:
        """A form upload S3 itself polices: this key only, this content type and metadata, 1..max_bytes."""
        fields: dict[str, Any] = {"Content-Type": content_type, **{f"x-amz-meta-{k}": v for k, v in metadata.items()}}
        conditions: list[Any] = [["content-length-range", 1, max_bytes], {"Content-Type": content_type},
                                 *({f"x-amz-meta-{k}": v} for k, v in metadata.items())]
        post: dict[str, Any] = client("s3").generate_presigned_post(
            bucket_name(bucket), key, Fields=fields, Conditions=conditions, ExpiresIn=expires)
        return post

    def presigned_get(
        self, bucket: str, key: str, *, version_id: str | None, filename: str, content_type: str, expires: int
    ) -> str:
        params: dict[str, Any] = {
            "Bucket": bucket_name(bucket), "Key": key,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "ResponseContentType": content_type,
        }
        if version_id:
            params["VersionId"] = version_id
        url: str = client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
        return url


@contextmanager
def _precondition() -> Iterator[None]:
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if error.get("Code") in ("PreconditionFailed", "412") or status == 412:
            raise Changed(str(error.get("Message", ""))) from exc
        raise


def _quoted(etag: str) -> str:
    return etag if etag.startswith('"') else f'"{etag}"'


def _version(response: dict[str, Any]) -> str | None:
    version = response.get("VersionId")
    return str(version) if version and version != "null" else None
