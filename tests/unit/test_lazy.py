"""A lazy module exists at once and runs its code on first use, once; importing it later gives the same object."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.core.lazy import lazy_module


@pytest.fixture
def package(tmp_path: Path) -> Iterator[str]:
    pkg = tmp_path / "lazypkg_demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "heavy.py").write_text("import builtins\nbuiltins.lazy_runs = getattr(builtins, 'lazy_runs', 0) + 1\n"
                                  "ANSWER = 42\n")
    sys.path.insert(0, str(tmp_path))
    yield "lazypkg_demo"
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n.startswith("lazypkg_demo")]:
        del sys.modules[name]
    import builtins
    vars(builtins).pop("lazy_runs", None)


def test_the_code_runs_on_first_attribute_access_and_only_once(package: str) -> None:
    import builtins

    heavy = lazy_module(f"{package}.heavy")
    assert getattr(builtins, "lazy_runs", 0) == 0
    assert heavy.ANSWER == 42
    assert heavy.ANSWER == 42
    assert builtins.lazy_runs == 1  # type: ignore[attr-defined]
    assert importlib.import_module(f"{package}.heavy") is heavy
    assert lazy_module(f"{package}.heavy") is heavy
    assert sys.modules[package].heavy is heavy


def test_from_import_of_a_lazy_submodule_does_not_run_it(package: str) -> None:
    import builtins

    lazy_module(f"{package}.heavy")
    exec(f"from {package} import heavy as h", {})  # the import statement itself is what is tested
    assert getattr(builtins, "lazy_runs", 0) == 0


def test_a_missing_module_is_refused_at_once() -> None:
    with pytest.raises(ModuleNotFoundError):
        lazy_module("chalicelib.no_such_module")


def test_a_second_thread_waits_for_the_first_load_instead_of_seeing_half_a_module(tmp_path: Path) -> None:
    import threading
    import time

    pkg = tmp_path / "lazypkg_slow"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "slow.py").write_text("import time\nFIRST = 1\ntime.sleep(0.3)\nLAST = 2\n")
    sys.path.insert(0, str(tmp_path))
    try:
        slow = lazy_module("lazypkg_slow.slow")
        seen: list[object] = []

        def read_last() -> None:
            try:
                seen.append(slow.LAST)
            except AttributeError as exc:
                seen.append(exc)

        first = threading.Thread(target=read_last)
        first.start()
        time.sleep(0.1)  # the first thread is inside the module's code now
        second = threading.Thread(target=read_last)
        second.start()
        first.join()
        second.join()
        assert seen == [2, 2]
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("lazypkg_slow")]:
            del sys.modules[name]
