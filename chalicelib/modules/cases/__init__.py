"""The case register (ESP): every accepted submission becomes a case with its sign in the JST's inbox."""

from chalicelib.modules.cases import wiring as _wiring  # noqa: F401  (its heavy parts load on first use)
