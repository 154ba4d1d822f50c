"""Who sees which inbox and which submission: the department rules of the ESP, without AWS."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalicelib.core.errors import ApiError, BadRequest, Forbidden, NotFound, Unprocessable
from chalicelib.modules.cases import logic
from chalicelib.modules.cases.models import InvalidPageToken
from chalicelib.modules.submissions import Filed
from tests import samples

PIASECZNO = samples.tenant()  # departments FN and OS


class Pages:
    """A department's inbox of one page; a token it did not give is refused like the repository refuses it."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, int, str | None]] = []
        self.filters: list[tuple[str | None, str | None]] = []

    def inbox(self, terc: str, department: str, *, limit: int, after: str | None, state: str | None = None,
              assignee: str | None = None, by_due: bool = False,
              due_before: date | None = None) -> tuple[list[dict[str, Any]], str | None]:
        if after is not None and after != "strona-2":
            raise InvalidPageToken(after)
        self.asked.append((terc, department, limit, after))
        self.filters.append((state, assignee))
        return [{"case_sign": f"{department}.1.1.2026"}], None


def page(params: dict[str, str], clerk: str | None = None, store: Pages | None = None) -> dict[str, Any]:
    return logic.inbox(store or Pages(), lambda: PIASECZNO, terc=PIASECZNO.terc, clerk_department=clerk,
                       params=params, today=date(2026, 3, 2))


def test_a_clerk_opens_their_own_departments_inbox_by_default() -> None:
    store = Pages()
    shown = page({}, clerk="FN", store=store)
    assert (shown["department"], shown["count"], shown["next"]) == ("FN", 1, None)
    assert store.asked == [(PIASECZNO.terc, "FN", 20, None)]


def test_the_registry_office_without_a_department_opens_any_but_must_name_one() -> None:
    assert page({"department": "OS", "limit": "5", "next": "strona-2"})["department"] == "OS"
    with pytest.raises(Unprocessable) as err:
        page({})
    assert err.value.details[0]["field"] == "department"


@pytest.mark.parametrize(("params", "clerk", "error", "code"), [
    ({"department": "OS"}, "FN", Forbidden, "department_forbidden"),
    ({"department": "ZZ"}, None, NotFound, "department_not_found"),
    ({"limit": "0"}, "FN", Unprocessable, "validation_error"),
    ({"limit": "101"}, "FN", Unprocessable, "validation_error"),
    ({"next": "not-ours"}, "FN", BadRequest, "invalid_page_token"),
    ({"state": "w toku"}, "FN", Unprocessable, "validation_error"),
    ({"state": "w_toku", "assignee": "jan"}, "FN", Unprocessable, "validation_error"),
])
def test_the_inbox_refuses(params: dict[str, str], clerk: str | None, error: type[ApiError], code: str) -> None:
    with pytest.raises(error) as err:
        page(params, clerk=clerk)
    assert err.value.code == code


def test_an_unknown_department_is_named_in_polish() -> None:
    with pytest.raises(NotFound) as err:
        page({"department": "ZZ"})
    assert err.value.message == "Jednostka nie ma komórki „ZZ”."


def filed(department: str | None) -> Filed:
    return Filed(submission_id="a" * 32, terc=PIASECZNO.terc, department=department, submission=None)  # type: ignore[arg-type]


def test_a_submission_is_seen_by_its_departments_clerks_and_the_registry_office() -> None:
    assert logic.require_visible(filed("FN"), clerk_department="FN").department == "FN"
    assert logic.require_visible(filed("FN"), clerk_department=None).department == "FN"


@pytest.mark.parametrize(("found", "error", "code"), [
    (filed("OS"), Forbidden, "department_forbidden"),
    (filed(None), Forbidden, "department_forbidden"),  # an older submission whose department is not known yet
    (None, NotFound, "submission_not_found"),
])
def test_a_submission_is_refused(found: Filed | None, error: type[ApiError], code: str) -> None:
    with pytest.raises(error) as err:
        logic.require_visible(found, clerk_department="FN")
    assert err.value.code == code


def test_a_filter_by_state_or_by_clerk_goes_to_the_store() -> None:
    store = Pages()
    page({"state": "wezwanie"}, clerk="FN", store=store)
    page({"assignee": "clerk-jan"}, clerk="FN", store=store)
    assert store.filters == [("wezwanie", None), (None, "clerk-jan")]
