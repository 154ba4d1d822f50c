"""The letters module's heavy parts and ports, loaded on first use: the templates, the PDF renderer (fpdf2 with
Pillow and fontTools), the models and the table load with the first letter, never with `import app`."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.documents.letter import Letter
    from chalicelib.modules.letters import logic, models, repository
else:
    logic = lazy_module("chalicelib.modules.letters.logic")
    models = lazy_module("chalicelib.modules.letters.models")
    repository = lazy_module("chalicelib.modules.letters.repository")

__all__ = ["logic", "models", "ports", "repository"]


class _CasesPort:
    """The cases module's interface, as the clerk of this request may use it."""

    def __init__(self, clerk: Any) -> None:
        self._clerk = clerk

    def record(self, terc: str, case_id: str) -> dict[str, Any]:
        from chalicelib.modules import cases

        return cases.case_for_clerk(terc, case_id, department=self._clerk.department)

    def add(self, terc: str, case_id: str, files: list[Any], at: datetime) -> dict[str, Any]:
        from chalicelib.modules import cases

        return cases.add_office_files(terc, case_id, files, clerk=self._clerk, at=at)


def _render_pdf(letter: Letter) -> bytes:
    from chalicelib.documents import letter_pdf  # the library package loads with the first letter

    return letter_pdf.render(letter)


@lru_cache(maxsize=1)
def letters() -> repository.DynamoLetters:
    return repository.DynamoLetters()


def ports(clerk: Any) -> logic.Ports:
    from chalicelib.modules import signatures, tenants

    return logic.Ports(letters=letters(), cases=_CasesPort(clerk), tenant=tenants.config,
                       seal=lambda element, at: signatures.seal(element, at=at), render_pdf=_render_pdf)
