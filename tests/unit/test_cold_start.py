"""A cold start imports the app without the packages that only some requests need (they load on first use).

`import app` runs in a fresh interpreter, as in a new Lambda container; the packages listed must not be in
`sys.modules` afterwards. The time itself is measured by bench/cold_start.py against a baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

# Loaded on first use: the token check (PyJWT + cryptography); every module's pydantic models, PynamoDB tables
# and logic (each module's wiring.py); forms, documents, signatures and what they stand on.
NOT_AT_COLD_START = ("jwt", "cryptography", "pydantic", "pydantic_core", "pynamodb", "stdnum", "holidays", "lxml",
                     "xmlsec", "pypdf", "filetype", "yaml", "fpdf", "PIL", "fontTools")
OUR_LIBRARIES = ("chalicelib.model", "chalicelib.forms", "chalicelib.documents", "chalicelib.signatures")


def _modules_after_import_app() -> set[str]:
    env = {**os.environ, "EURZAD_RESOURCE_PREFIX": "eurzad-test", "AWS_DEFAULT_REGION": "eu-central-1",
           "POWERTOOLS_TRACE_DISABLED": "true"}
    env.pop("AWS_ENDPOINT_URL", None)
    out = subprocess.run([sys.executable, "-c", "import sys, json, app; print(json.dumps(sorted(sys.modules)))"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_app_leaves_what_only_some_requests_need_unloaded() -> None:
    modules = _modules_after_import_app()
    loaded = {name.split(".")[0] for name in modules}
    assert "chalice" in loaded  # the app itself did load
    assert sorted(loaded & set(NOT_AT_COLD_START)) == []
    assert sorted(m for m in modules if m.startswith(OUR_LIBRARIES)) == []
