"""Form widgets shared by every app."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """`<input type="date">`, whose value must be yyyy-mm-dd whatever the language: rendered
    in the Dutch format (dd-mm-yyyy) the browser shows it empty, and saving the form then
    erases the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
