"""The HTTP edge: route declaration with an access policy, request parsing, error mapping, middleware.

Routes are declared with `endpoint(bp, path, access=...)`. The middleware installed by `install(app)`
refuses any route that has no policy (default deny), verifies the bearer token, checks the policy, binds
tenant and service to the logs and meters every invocation (HTTP and events alike).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from chalice.app import Blueprint, Chalice, CORSConfig, Request, Response

from chalicelib.core import inputs, metering
from chalicelib.core.auth import Access, Principal, bearer_token, get_verifier
from chalicelib.core.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    InternalError,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    UnsupportedMediaType,
    from_validation_error,
    is_validation_error,
)
from chalicelib.core.observability import bind, logger, sane_correlation_id, set_correlation_id, unbind
from chalicelib.core.route_doc import DOC_ATTR, RouteDoc
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:  # pydantic loads with the first model a view uses, not at cold start
    from pydantic import BaseModel

ACCESS_ATTR = "eurzad_access"
MODULE_ATTR = "eurzad_module"
M = TypeVar("M", bound="BaseModel")
_principal: ContextVar[Principal | None] = ContextVar("principal", default=None)
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
CORRELATION_HEADER = "X-Correlation-Id"


def require_principal() -> Principal:
    principal = _principal.get()
    if principal is None:  # only reachable if a route's policy is public but its view needs a caller
        raise Forbidden()
    return principal


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if hasattr(body, "model_dump_json"):  # a pydantic model
        payload = body.model_dump_json(by_alias=True)
    else:
        payload = json.dumps(body, ensure_ascii=False, default=str)
    return Response(body=payload, status_code=status, headers={**JSON_HEADERS, **(headers or {})})


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), status=error.status)


def if_match_version(headers: Any, of_what: str) -> int | None:
    """The version an `If-Match` header names ("3" or quoted), None without the header; 400 `invalid_if_match`
    for anything else. `of_what` completes the message: "sprawy", "konfiguracji"."""
    raw = (headers.get("if-match") or "").strip().strip('"')
    if not raw:
        return None
    version = inputs.ascii_int(raw)
    if version is None:
        raise BadRequest(f"Nagłówek If-Match musi zawierać numer wersji {of_what}.", code="invalid_if_match")
    return version


def public_base_url(request: Any) -> str | None:
    """This API's public base URL, for the addresses the platform gives others to call back (the payment gateway's
    notifications, the e-Delivery box's callbacks): the setting, else the request's. API Gateway names its domain
    and the path with the stage (or a custom domain's base path). One that names no domain (the local emulator,
    reached by path) is addressed as infrastructure.deploy prints it, /restapis/<api id>/<stage>/_user_request_,
    and only on this machine: a Host header is the caller's to write, so it never names where others call back.
    None: no address is known."""
    configured = get_settings().public_api_url
    if configured:
        return configured.rstrip("/")
    context, headers = request.context, request.headers
    domain = context.get("domainName")
    if domain:
        full, path = str(context.get("path") or ""), str(request.to_original_event().get("path") or "")
        prefix = full[: -len(path)] if path and full.endswith(path) else f"/{context.get('stage') or ''}".rstrip("/")
        return f"https://{domain}{prefix}"
    host = str(headers.get("host") or "")
    if host.split(":", maxsplit=1)[0] in ("127.0.0.1", "localhost") and context.get("apiId") and context.get("stage"):
        return f"http://{host}/restapis/{context['apiId']}/{context['stage']}/_user_request_"
    return None


def parse_body(raw: str | bytes | None, model: type[M]) -> M:
    """Parse a JSON request body into `model`: 400 malformed, 413 too large, 422 with field paths otherwise."""
    data = inputs.decode_json(raw)
    try:
        return model.model_validate(data)
    except Exception as exc:
        if is_validation_error(exc):
            raise from_validation_error(exc) from exc
        raise


def cors_config() -> CORSConfig:
    """The portal's origin may call every route (API Gateway answers the preflight, Chalice adds the headers)."""
    return CORSConfig(allow_origin=get_settings().web_origin,
                      allow_headers=["Idempotency-Key", "If-Match", CORRELATION_HEADER],
                      expose_headers=["ETag", CORRELATION_HEADER], max_age=600)


def endpoint(
    bp: Blueprint, path: str, *, access: Access, methods: tuple[str, ...] = ("GET",),
    content_types: tuple[str, ...] = ("application/json",),
    summary: str = "", request: str | None = None, response: str | None = None, status: int = 200,
    params: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on `bp` with its access policy; the view's ApiErrors become the error shape.

    `summary`, `request`, `response` (models as "module:Name"), `status` and `params` describe the route in
    the API document (chalicelib/openapi); they change nothing in how it runs.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def handler(*args: Any, **kwargs: Any) -> Any:
            try:
                result = view(*args, **kwargs)
            except ApiError as exc:
                return error_response(exc)
            except Exception as exc:
                if is_validation_error(exc):
                    return error_response(from_validation_error(exc))
                logger.exception("unhandled error in view")
                return error_response(InternalError())
            return result if isinstance(result, Response) else json_response(result)

        setattr(handler, ACCESS_ATTR, access)
        setattr(handler, MODULE_ATTR, _module_of(getattr(bp, "_import_name", view.__module__)))
        setattr(handler, DOC_ATTR, RouteDoc(summary=summary or (view.__doc__ or "").strip().split("\n")[0],
                                            request=request, response=response, status=status, params=params))
        bp.route(path, methods=list(methods), content_types=list(content_types), cors=cors_config())(handler)
        return handler

    return decorate


def _module_of(import_name: str) -> str:
    """The module a blueprint belongs to: chalicelib.modules.<module>.routes -> <module>."""
    parts = import_name.split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "modules" else parts[-1]


def _lambda_identity(context: Any) -> tuple[str, int]:
    name = getattr(context, "function_name", None) or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    memory = getattr(context, "memory_limit_in_mb", None) or os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0")
    return str(name), int(memory)


# Every path the app does not declare, and every method a declared path does not serve (API Gateway falls
# through to the greedy resource), reaches the function here and gets 404 / 405 in the error shape.
FALLBACK_PATH = "/{proxy+}"
FALLBACK_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def _served_methods(app: Chalice, path: str) -> list[str]:
    """The methods the app serves at a concrete request path (for 405 and its Allow header)."""
    for pattern, entries in app.routes.items():
        if pattern == FALLBACK_PATH:
            continue
        regex = "".join("[^/]+" if part.startswith("{") else re.escape(part)
                        for part in re.split(r"(\{[^}]+\})", pattern))
        if re.fullmatch(regex, path.rstrip("/") or "/"):
            return sorted(entries)
    return []


def _accepts(content_type: str, valid: list[str]) -> bool:
    # Chalice's own rule (it answers 415 outside the error shape otherwise): any listed type, or */*.
    parts = {p.strip() for p in re.split("[,;]", content_type.lower())}
    return "*/*" in content_type or "*/*" in valid or bool(parts & {v.lower() for v in valid})


def _route_refusal(app: Chalice, request: Any) -> Response | None:
    """404 for a path the app does not declare, 405 (with Allow) for a method its path does not serve."""
    resource = request.context.get("resourcePath", "")
    entries = app.routes.get(resource, {})
    if resource == FALLBACK_PATH:
        allowed = _served_methods(app, str(request.to_original_event().get("path") or ""))
    else:
        allowed = sorted(entries) if request.method not in entries else []
    if allowed:
        refused = error_response(MethodNotAllowed(details=[{"field": "", "code": "method_not_allowed",
                                                            "message": "Dozwolone: " + ", ".join(allowed)}]))
        refused.headers["Allow"] = ", ".join(allowed)
        return refused
    if resource == FALLBACK_PATH:
        return error_response(NotFound("Nie ma takiego adresu w API.", code="not_found"))
    return None


def _input_refusal(entry: Any, request: Any) -> ApiError | None:
    """415 for a media type the route does not take, 413 above the body cap, 404 for a path parameter that
    cannot name anything we store (too long for a DynamoDB key, or not plain ASCII)."""
    content_type = request.headers.get("content-type", "application/json")
    if entry.content_types and not _accepts(content_type, entry.content_types):
        return UnsupportedMediaType(details=[{"field": "Content-Type", "code": "unsupported_media_type",
                                              "message": "Dozwolone typy: " + ", ".join(entry.content_types)}])
    is_json = content_type.split(";")[0].strip().lower() == "application/json"
    try:
        inputs.check_size(request.raw_body or b"", inputs.JSON_MAX_BYTES if is_json else inputs.BODY_MAX_BYTES)
    except ApiError as exc:
        return exc
    if not all(inputs.is_path_id(str(v)) for v in (request.uri_params or {}).values()):
        return NotFound()
    return None


def edge_refusal(app: Chalice, request: Any) -> Response | None:
    """What the edge refuses before auth and the view; None lets the request through."""
    refused = _route_refusal(app, request)
    if refused is not None:
        return refused
    entry = app.routes.get(request.context.get("resourcePath", ""), {}).get(request.method)
    error = _input_refusal(entry, request) if entry is not None else None
    return error_response(error) if error is not None else None


def require_accept(request: Any, media_types: tuple[str, ...]) -> str:
    """A binary answer (e.g. XML) reaches the client raw only when its Accept names that type exactly: API
    Gateway passes it on base64-encoded otherwise. 406 in the error shape instead of that."""
    accept = {p.split(";")[0].strip().lower() for p in str(request.headers.get("accept") or "").split(",")}
    for media_type in media_types:
        if media_type in accept:
            return media_type
    raise NotAcceptable(details=[{"field": "Accept", "code": "not_acceptable",
                                  "message": "Wyślij nagłówek Accept: " + " albo ".join(media_types) + "."}])


def _install_edge(app: Chalice) -> None:
    @app.middleware("http")
    def edge(request: Any, get_response: Callable[[Any], Any]) -> Any:
        # The caller's correlation id if it is a sane token, else API Gateway's request id: on every log line,
        # on every event this request causes, and back to the caller.
        correlation = set_correlation_id(sane_correlation_id(request.headers.get(CORRELATION_HEADER))
                                         or request.context.get("requestId"))
        try:
            response = edge_refusal(app, request) or get_response(request)
        except Exception:  # e.g. the JWKS cannot be fetched: Chalice would answer outside the error shape
            logger.exception("unhandled error at the edge")
            response = error_response(InternalError())
        if isinstance(response, Response):
            response.headers[CORRELATION_HEADER] = correlation
        return response

    def fallback(**_: str) -> Response:  # never runs: the edge answers first
        return error_response(NotFound())

    setattr(fallback, ACCESS_ATTR, Access.anyone())
    app.route(FALLBACK_PATH, methods=list(FALLBACK_METHODS))(fallback)


def install(app: Chalice, sink_factory: Callable[[], metering.UsageSink]) -> None:
    """Install metering (outermost, every event type), the edge's refusals and auth (HTTP) on the app."""

    @app.middleware("all")
    def meter(event: Any, get_response: Callable[[Any], Any]) -> Any:
        context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
        function, memory = _lambda_identity(context)
        usage = metering.begin(function=function, memory_mb=memory)
        usage.http = isinstance(event, Request)
        try:
            response = get_response(event)
            if isinstance(response, Response) and response.status_code >= 500:
                usage.error = True
            return response
        except Exception:
            usage.error = True
            raise
        finally:
            metering.finish(sink_factory())
            unbind()

    _install_edge(app)

    @app.middleware("http")
    def authorize(request: Any, get_response: Callable[[Any], Any]) -> Any:
        entry = app.routes.get(request.context.get("resourcePath", ""), {}).get(request.method)
        access: Access | None = getattr(entry.view_function, ACCESS_ATTR, None) if entry else None
        if entry is None or access is None:
            return error_response(Forbidden("Ta operacja nie ma zadeklarowanych uprawnień.", code="no_access_policy"))
        uri_params = request.uri_params or {}
        tenant, service = uri_params.get("terc"), uri_params.get("service")
        usage = metering.current()
        if usage is not None:  # refused calls cost too: they count for the JST they were aimed at
            usage.attribute(tenant=tenant, module=getattr(entry.view_function, MODULE_ATTR, "-"), service=service)
        try:
            token = bearer_token(request.headers)
            principal = get_verifier().verify(token) if token else None
            access.authorize(principal, uri_params)
        except ApiError as exc:  # refused before the view: Chalice adds no CORS headers here, so the portal would
            response = error_response(exc)  # not see the 401/403 without these
            response.headers.update(entry.cors.get_access_control_headers() if entry.cors else {})
            return response
        if tenant is None and principal is not None and principal.terc:
            tenant = principal.terc
            if usage is not None:
                usage.attribute(tenant=tenant)
        bind(tenant=tenant, service=service, route=f"{request.method} {request.context.get('resourcePath')}",
             principal=principal.subject if principal else None)
        reset = _principal.set(principal)
        try:
            return get_response(request)
        finally:
            _principal.reset(reset)
