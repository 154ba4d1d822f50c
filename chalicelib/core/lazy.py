"""Modules that load on first use, for a cold start that registers every route but imports little.

Chalice needs every route at `import app`; what the views use (pydantic models, PynamoDB tables, forms,
documents, signatures) is needed only by the requests that reach them. A module's `wiring.py` names its heavy
parts with `lazy_module`; the module object exists at once and runs its code on the first attribute access.

    if TYPE_CHECKING:                      # mypy sees the real module
        from chalicelib.modules.cases import logic
    else:
        logic = lazy_module("chalicelib.modules.cases.logic")
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module `name`, registered now and executed on first attribute access (importlib's LazyLoader).

    Importing it normally afterwards yields the same object; a module already imported is returned as it is.
    """
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does: the package's attribute names the submodule
        setattr(sys.modules[parent], child, module)
    return module
