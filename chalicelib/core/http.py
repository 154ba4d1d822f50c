"""The HTTP edge: route declaration with an access policy, request parsing, error mapping, middleware.

Routes are declared with `endpoint(bp, path, access=...)`. The middleware installed by `install(app)`
refuses any route that has no policy (default deny), verifies the bearer token, checks the policy, binds
tenant and service to the logs and meters every invocation (HTTP and events alike).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from chalice.app import Blueprint, Chalice, CORSConfig, Response
from pydantic import BaseModel, ValidationError

from chalicelib.core import metering
from chalicelib.core.auth import Access, Principal, bearer_token, get_verifier
from chalicelib.core.errors import ApiError, BadRequest, Forbidden, InternalError, from_validation_error
from chalicelib.core.observability import bind, logger, unbind
from chalicelib.core.settings import get_settings

ACCESS_ATTR = "eurzad_access"
MODULE_ATTR = "eurzad_module"
M = TypeVar("M", bound=BaseModel)
_principal: ContextVar[Principal | None] = ContextVar("principal", default=None)
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def require_principal() -> Principal:
    principal = _principal.get()
    if principal is None:  # only reachable if a route's policy is public but its view needs a caller
        raise Forbidden()
    return principal


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if isinstance(body, BaseModel):
        payload = body.model_dump_json(by_alias=True)
    else:
        payload = json.dumps(body, ensure_ascii=False, default=str)
    return Response(body=payload, status_code=status, headers={**JSON_HEADERS, **(headers or {})})


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), status=error.status)


def parse_body(raw: str | bytes | None, model: type[M]) -> M:
    """Parse a JSON request body into `model`: 400 for malformed JSON, 422 with field paths otherwise."""
    if not raw:
        raise BadRequest("Brak treści żądania (oczekiwano JSON).", code="empty_body")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(
            "Treść żądania nie jest poprawnym JSON.",
            code="invalid_json",
            details=[{"field": "", "code": "invalid_json", "message": str(exc)}],
        ) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from exc


def cors_config() -> CORSConfig:
    """The portal's origin may call every route (API Gateway answers the preflight, Chalice adds the headers)."""
    return CORSConfig(allow_origin=get_settings().web_origin, allow_headers=["Idempotency-Key", "If-Match"],
                      expose_headers=["ETag"], max_age=600)


def endpoint(
    bp: Blueprint, path: str, *, access: Access, methods: tuple[str, ...] = ("GET",),
    content_types: tuple[str, ...] = ("application/json",),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on `bp` with its access policy; the view's ApiErrors become the error shape."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def handler(*args: Any, **kwargs: Any) -> Any:
            try:
                result = view(*args, **kwargs)
            except ApiError as exc:
                return error_response(exc)
            except ValidationError as exc:
                return error_response(from_validation_error(exc))
            except Exception:
                logger.exception("unhandled error in view")
                return error_response(InternalError())
            return result if isinstance(result, Response) else json_response(result)

        setattr(handler, ACCESS_ATTR, access)
        setattr(handler, MODULE_ATTR, _module_of(getattr(bp, "_import_name", view.__module__)))
        bp.route(path, methods=list(methods), content_types=list(content_types), cors=cors_config())(handler)
        return handler

    return decorate


def _module_of(import_name: str) -> str:
    """The e-service a blueprint belongs to: chalicelib.services.<module>.routes -> <module>."""
    parts = import_name.split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "services" else parts[-1]


def _lambda_identity(context: Any) -> tuple[str, int]:
    name = getattr(context, "function_name", None) or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    memory = getattr(context, "memory_limit_in_mb", None) or os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0")
    return str(name), int(memory)


def install(app: Chalice, sink_factory: Callable[[], metering.UsageSink]) -> None:
    """Install metering (outermost, every event type) and auth (HTTP) middleware on the app."""

    @app.middleware("all")
    def meter(event: Any, get_response: Callable[[Any], Any]) -> Any:
        context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
        function, memory = _lambda_identity(context)
        usage = metering.begin(function=function, memory_mb=memory)
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
