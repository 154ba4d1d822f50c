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
import threading
import types
from typing import Any


class _LazyModule(types.ModuleType):
    """Runs the module's code on the first attribute access, once, under a lock of its own.

    importlib's LazyLoader does the same, but on Python 3.11 a second thread could see the module half run (fixed
    in 3.12.3/3.13 the way it is done here). The lock is re-entrant: the module's own code may read its attributes.
    """

    def __getattribute__(self, attr: str) -> Any:
        spec = object.__getattribute__(self, "__spec__")
        state = spec.loader_state
        with state["lock"]:
            if object.__getattribute__(self, "__class__") is _LazyModule:
                if state["loading"]:  # the module's own code, while it runs
                    return object.__getattribute__(self, attr)
                state["loading"] = True
                try:
                    spec.loader.exec_module(self)
                finally:
                    state["loading"] = False
                object.__setattr__(self, "__class__", types.ModuleType)
        return getattr(self, attr)


def lazy_module(name: str) -> types.ModuleType:
    """The module `name`, registered now and executed on first attribute access.

    Importing it normally afterwards yields the same object; a module already imported is returned as it is.
    """
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    module = importlib.util.module_from_spec(spec)
    spec.loader_state = {"lock": threading.RLock(), "loading": False}
    module.__class__ = _LazyModule
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does: the package's attribute names the submodule
        setattr(sys.modules[parent], child, module)
    return module
