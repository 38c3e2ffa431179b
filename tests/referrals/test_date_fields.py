"""Every date field of every form renders its stored date so that `<input type="date">`
shows it (yyyy-mm-dd, whatever the language), and reads the browser's value back unchanged:
a step saved without touching its date keeps the date."""

import inspect
import re
from datetime import date

import pytest
from django import forms
from django.utils import translation

from capacity import forms as capacity_forms
from placement import forms as placement_forms
from referrals import forms as referral_forms

pytestmark = pytest.mark.django_db

STORED = date(2011, 5, 4)


def forms_with_dates() -> list[tuple[type[forms.Form], str]]:
    found = []
    for module in (referral_forms, placement_forms, capacity_forms):
        for _name, form_class in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form_class, forms.Form) or form_class.__module__ != module.__name__:
                continue
            for field_name, field in form_class.base_fields.items():
                if isinstance(field, forms.DateField):
                    found.append((form_class, field_name))
    return found


def test_the_forms_with_dates_are_all_found() -> None:
    names = {f"{form.__name__}.{field}" for form, field in forms_with_dates()}
    assert {
        "YouthForm.birth_date",
        "SituationForm.requested_start",
        "AnalysisForm.completed_on",
        "PlaceForm.start_date",
        "EndForm.end_date",
    } <= names


@pytest.mark.parametrize(
    ("form_class", "field_name"),
    forms_with_dates(),
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_a_stored_date_survives_a_save_of_the_untouched_form(
    form_class: type[forms.Form], field_name: str
) -> None:
    with translation.override("nl"):
        html = str(form_class(initial={field_name: STORED})[field_name])
        assert 'type="date"' in html
        value = re.search(r'value="([^"]*)"', html)
        assert value is not None and value.group(1) == "2011-05-04", html
        # what the browser sends back is read as the same date
        field = form_class.base_fields[field_name]
        assert field.clean(value.group(1)) == STORED
