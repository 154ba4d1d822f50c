"""e-Urząd: the Chalice app. Registers one Blueprint per e-service and the middleware; nothing else."""

from chalice.app import Chalice

from chalicelib.core import metering  # noqa: F401  (installs the AWS request counter before any client)
from chalicelib.core.http import install
from chalicelib.openapi.routes import bp as openapi_api
from chalicelib.services.cases.routes import bp as cases_api
from chalicelib.services.cases.workers import bp as cases_workers
from chalicelib.services.catalogue.routes import bp as catalogue_api
from chalicelib.services.health.routes import bp as health_api
from chalicelib.services.registry import usage_sink
from chalicelib.services.signatures.routes import bp as signatures_api
from chalicelib.services.submissions.routes import bp as submissions_api
from chalicelib.services.submissions.workers import bp as submissions_workers
from chalicelib.services.tenants.routes import bp as tenants_api
from chalicelib.services.tenants.workers import bp as tenants_workers

app = Chalice(app_name="eurzad")
install(app, usage_sink)
# Signed XML must arrive byte for byte (any encoding), so API Gateway passes it through as binary.
app.api.binary_types.extend(["application/xml", "text/xml"])
app.register_blueprint(health_api)
app.register_blueprint(catalogue_api)
app.register_blueprint(tenants_api)
app.register_blueprint(tenants_workers)
app.register_blueprint(signatures_api)
app.register_blueprint(submissions_api)
app.register_blueprint(submissions_workers)
app.register_blueprint(cases_api)
app.register_blueprint(cases_workers)
app.register_blueprint(openapi_api)
