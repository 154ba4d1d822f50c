"""Form text carries only what the ePUAP document (XML 1.0) can hold, refused per field before anything runs."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, PlainValidator, ValidationError

from chalicelib.core.errors import from_validation_error
from chalicelib.forms import values as v


class Letter(BaseModel):
    title: Annotated[str | None, PlainValidator(v.text(100))] = None
    body: Annotated[str | None, PlainValidator(v.text(1000, multiline=True))] = None


@pytest.mark.parametrize(("field", "value"), [
    ("title", "Wniosek\x00"), ("title", "Wniosek\nz nową linią"), ("title", "tab\there"), ("title", "a\x7fb"),
    ("title", "a\ufffeb"), ("title", "a\uffffb"), ("title", "a\ud800b"),
    ("body", "a\x0bb"), ("body", "a\x1bb"), ("body", "a\x00b"), ("body", "a\uffffb"), ("body", "a\udfffb"),
])
def test_control_and_non_characters_are_refused_with_a_polish_message(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Letter.model_validate({field: value})
    (detail,) = from_validation_error(refused.value, prefix=("data",)).details
    assert (detail["field"], detail["code"]) == (f"data.{field}", "invalid_characters")
    assert "niedozwolone znaki" in detail["message"]


def test_a_textarea_keeps_tabs_and_line_breaks_and_any_real_character() -> None:
    letter = Letter.model_validate({"title": "Zażółć gęślą jaźń 😀", "body": "Akapit 1.\r\n\tAkapit 2.\n"})
    assert letter.title == "Zażółć gęślą jaźń 😀"
    assert letter.body == "Akapit 1.\r\n\tAkapit 2."
