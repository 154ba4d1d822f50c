"""What a route says about itself for the API document, carried by `endpoint()` on the view.

Models are named as "module:Name" (the module under chalicelib, e.g. "openapi.shapes:Download") and imported
only when the document is built (on its first request), so declaring them costs nothing at cold start.
"""

from __future__ import annotations

from dataclasses import dataclass

DOC_ATTR = "eurzad_doc"


@dataclass(frozen=True)
class RouteDoc:
    summary: str = ""
    request: str | None = None  # the JSON body's model
    response: str | None = None  # the success body's model, or a media type ("application/xml") for a document
    status: int = 200
    params: str | None = None  # a model whose fields are the query parameters (and headers: `alias` + `in`)
