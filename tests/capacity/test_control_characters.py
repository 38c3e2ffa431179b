"""Names with control characters (CR/LF, TAB, zero-width …) are refused at input (issue 24,
point 6): a location name reaches e-mail subjects, where a line break broke every mail."""

from collections.abc import Mapping
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory

from accounts.models import Notification, Organisation, User
from capacity.models import Location
from capacity.services import location_create, location_update_profile
from config.errors import ValidationFailed
from config.validators import control_characters_errors, strip_control_characters
from tests.capacity.test_views import profile_data, profile_url
from tests.conftest import Cast

BAD_NAMES = [
    "Groep\r\nBcc: x@y.nl",
    "Groep\nB",
    "Groep\tB",
    "Gro\u200bep",
    "Groep\x00",
    "\u202eGroep",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_rule(name: str) -> None:
    assert control_characters_errors(name)
    assert "\n" not in strip_control_characters(name) and "\r" not in strip_control_characters(name)


def test_ordinary_names_and_multiline_text_pass() -> None:
    assert control_characters_errors("Groep 't Anker – Zuid (12+)") == []
    assert control_characters_errors("regel 1\r\nregel 2", multiline=True) == []
    assert control_characters_errors("regel\t1", multiline=True)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_profile_page_refuses_the_name(cast: Cast, location_a: Location, name: str) -> None:
    client = Client()
    client.force_login(cast.provider_a)
    response = client.post(profile_url(location_a), profile_data(name=name))
    assert response.status_code == 400
    if "\x00" not in name:  # a NUL byte is refused before the form (hostile input)
        assert "Gebruik geen regeleinden, tabs of onzichtbare tekens." in response.content.decode()
    location_a.refresh_from_db()
    assert location_a.name == "Groep A"


def test_the_services_refuse_the_name(cast: Cast, location_a: Location) -> None:
    with pytest.raises(ValidationFailed) as refused:
        location_update_profile(location=location_a, by=cast.provider_a, name="A\r\nB")
    assert list(refused.value.errors) == ["name"]
    with pytest.raises(ValidationFailed) as refused:
        location_create(
            provider=cast.provider_a_org,
            by=cast.provider_a,
            name="Nieuw\nB",
            municipality=cast.municipality,
            latitude=52.1,
            longitude=5.3,
            care_form=location_a.care_form,
            age_min=12,
            age_max=18,
            total_places=4,
        )
    assert "name" in refused.value.errors
    location_a.refresh_from_db()
    assert location_a.name == "Groep A"
    assert not Location.objects.filter(name__startswith="Nieuw").exists()
    assert not Notification.objects.exists()


def _admin_form(model: type, obj: object, data: Mapping[str, Any], cast: Cast) -> Any:
    request = RequestFactory().post("/")
    request.user = cast.admin
    cast.admin.is_superuser = cast.admin.is_staff = True
    form_class = site._registry[model].get_form(request, obj)
    return form_class(data=data, instance=obj)


def test_the_admin_refuses_an_organisation_name_with_a_line_break(cast: Cast) -> None:
    org = cast.provider_a_org
    data: dict[str, Any] = {"name": "Aanbieder\r\nA", "kind": org.kind, "regions": [cast.region.pk]}
    if org.municipality_id:
        data["municipality"] = org.municipality_id
    form = _admin_form(Organisation, org, data, cast)
    assert not form.is_valid()
    assert "name" in form.errors
    data["name"] = "Aanbieder A"
    form = _admin_form(Organisation, org, data, cast)
    assert "name" not in form.errors


def test_the_admin_refuses_a_user_name_with_a_control_character(cast: Cast) -> None:
    user = cast.referrer
    data = {
        "username": user.username,
        "first_name": "Jan\u200b",
        "last_name": "de\nVries",
        "email": user.email,
        "role": user.role,
        "organisation": user.organisation_id,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "is_active": "on",
    }
    form = _admin_form(User, user, data, cast)
    assert not form.is_valid()
    assert {"first_name", "last_name"} <= set(form.errors)
