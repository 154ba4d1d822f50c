"""Upload a file the way a browser does: multipart/form-data POST to S3 with the presigned fields."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from typing import Any


def post_file(upload: dict[str, Any], content: bytes, *, filename: str = "plik",
              content_type: str | None = None) -> int:
    """POST `content` with the slot's url and fields; returns S3's HTTP status (204 when stored)."""
    boundary = uuid.uuid4().hex
    fields = dict(upload["fields"])
    if content_type is not None:  # a browser sends what the form says; a forger may try otherwise
        fields["Content-Type"] = content_type
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {fields.get('Content-Type', 'application/octet-stream')}\r\n\r\n".encode()
                 + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(upload["url"], data=b"".join(parts), method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
