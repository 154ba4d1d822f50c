"""`costs apply FILE`: the region's cost settings (USD rates, the split rule, the shared fixed items) from a YAML
file, as the region's finance would enter them (`PUT /v1/finance/cost-settings`); `make run` loads the demo's."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

import yaml


def costs_apply(path: Path) -> int:
    """Validate the file (exit 1 naming the field), then store it as the settings' next version."""
    from pydantic import ValidationError

    from chalicelib.core.clock import get_clock
    from chalicelib.core.errors import ApiError, validation_details
    from chalicelib.modules.costs.report_wiring import cost_settings, reporting, settings

    try:
        new = settings.CostSettings.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        reporting.check_shared_prices(new, get_clock().now().strftime("%Y-%m"))
    except (OSError, yaml.YAMLError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        for d in validation_details(exc):
            print(f"{path}: {d['field'] or '<dokument>'}: {d['message']} [{d['code']}]", file=sys.stderr)
        return 1
    except ApiError as exc:
        for d in exc.details:
            print(f"{path}: {d['field']}: {d['message']} [{d['code']}]", file=sys.stderr)
        return 1
    store = cost_settings()
    current = store.get()
    if current is not None and current.settings == new:
        print(f"bez zmian: ustawienia kosztów (wersja {current.version})")
        return 0
    version = store.save(new, expected_version=current.version if current else None, at=get_clock().now(),
                         actor=f"cli:{getpass.getuser()}")
    print(f"zapisano ustawienia kosztów regionu (wersja {version}): {len(new.rates)} kursów, "
          f"podział {new.allocation.value}, {len(new.shared)} kosztów wspólnych")
    return 0


def add_commands(sub: Any) -> None:
    costs = sub.add_parser("costs").add_subparsers(dest="action", required=True)
    apply = costs.add_parser("apply", help="the region's cost settings from a YAML file (e.g. region/demo/koszty.yaml)")
    apply.add_argument("file", type=Path)
    apply.set_defaults(run=lambda a: costs_apply(a.file))
