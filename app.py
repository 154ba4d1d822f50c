"""e-Urząd: the Chalice app. Registers every module's blueprints (chalicelib.modules.MODULES) and the edge
middleware; nothing else."""

from chalice.app import Chalice

from chalicelib.core import metering  # noqa: F401  (installs the AWS request counter before any client)
from chalicelib.core.http import install
from chalicelib.db.metering import usage_sink
from chalicelib.modules import blueprints
from chalicelib.openapi.routes import bp as openapi_api

app = Chalice(app_name="eurzad")
install(app, usage_sink)
# Signed XML must arrive byte for byte (any encoding), so API Gateway passes it through as binary.
app.api.binary_types.extend(["application/xml", "text/xml"])
for blueprint in blueprints():
    app.register_blueprint(blueprint)
app.register_blueprint(openapi_api)
