"""Intensity tariffs (seeded with the G7 table) and the location's band per year (issue 22):
who may keep them, bad input a 400 naming the field with nothing saved."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from capacity.models import IntensityTariff, Location, LocationBand
from capacity.services import location_bands_follow_year, location_update_profile
from capacity.tasks import bands_follow_year
from tests.conftest import Cast
from tests.factories import LocationFactory, OrganisationFactory, UserFactory

ApiFor = Callable[..., APIClient]
TARIFF = {"year": 2027, "band": "K", "hours_min": "4.5", "hours_max": "5.0"}


def test_the_g7_table_is_seeded_for_2026(db: None) -> None:
    rows = {t.band: t for t in IntensityTariff.objects.filter(year=2026)}
    assert len(rows) == 16
    assert rows["K"].tariff_per_day == Decimal("582.27")
    assert (rows["K"].hours_min, rows["K"].hours_max) == (Decimal("4.5"), Decimal("5.0"))
    assert rows["M"].tariff_per_day == Decimal("665.16")
    assert rows["Z"].tariff_per_day == Decimal("1203.95")
    assert (rows["Z"].hours_min, rows["Z"].hours_max) == (Decimal("12.0"), Decimal("12.5"))


def test_the_database_refuses_a_negative_tariff_and_hours_out_of_order(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        IntensityTariff.objects.create(**TARIFF, tariff_per_day=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        IntensityTariff.objects.create(
            year=2027, band="L", hours_min=6, hours_max=5, tariff_per_day=1
        )


def test_tariffs_are_read_by_the_roles_that_need_them(cast: Cast, api_client_for: ApiFor) -> None:
    for user in (cast.coordinator, cast.provider_a, cast.analyst, cast.admin):
        answer = api_client_for(user).get("/api/v1/intensity-tariffs/?year=2026")
        assert answer.status_code == 200, user
        assert [row["band"] for row in answer.json()][:2] == ["K", "L"]
        assert answer.json()[-1]["tariff_per_day"] == "1203.95"
    assert api_client_for(cast.referrer).get("/api/v1/intensity-tariffs/").status_code == 404
    assert api_client_for(None).get("/api/v1/intensity-tariffs/").status_code in (401, 403, 404)
    bad = api_client_for(cast.coordinator).get("/api/v1/intensity-tariffs/?year=twintig")
    assert bad.status_code == 400 and "year" in bad.json()["errors"]


def test_only_the_administrator_adds_a_tariff(cast: Cast, api_client_for: ApiFor) -> None:
    body = {**TARIFF, "tariff_per_day": "600.00"}
    assert (
        api_client_for(cast.coordinator)
        .post("/api/v1/intensity-tariffs/", body, format="json")
        .status_code
        == 404
    )
    answer = api_client_for(cast.admin).post("/api/v1/intensity-tariffs/", body, format="json")
    assert answer.status_code == 201, answer.content
    assert IntensityTariff.objects.get(year=2027, band="K").tariff_per_day == Decimal("600.00")
    again = api_client_for(cast.admin).post("/api/v1/intensity-tariffs/", body, format="json")
    assert again.status_code == 400 and "band" in again.json()["errors"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tariff_per_day": "-582.27"}, "tariff_per_day"),
        ({"tariff_per_day": "veel"}, "tariff_per_day"),
        ({"tariff_per_day": "1.234"}, "tariff_per_day"),
        ({"hours_min": "6.0", "hours_max": "5.0"}, "hours_max"),
        ({"band": "A"}, "band"),
        ({"year": "2027"}, "year"),
    ],
)
def test_a_bad_tariff_is_a_400_naming_the_field_and_nothing_saved(
    cast: Cast, api_client_for: ApiFor, change: dict[str, str], field: str
) -> None:
    before = IntensityTariff.objects.count()
    body = {**TARIFF, "tariff_per_day": "600.00", **change}
    answer = api_client_for(cast.admin).post("/api/v1/intensity-tariffs/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert IntensityTariff.objects.count() == before


def test_a_negative_tariff_in_the_django_admin_is_a_form_error(cast: Cast) -> None:
    superuser = UserFactory(username="beheer", is_staff=True, is_superuser=True, role="admin")
    client = Client()
    client.force_login(superuser)
    page = client.post("/admin/capacity/intensitytariff/add/", {**TARIFF, "tariff_per_day": "-1"})
    assert page.status_code == 200
    assert "Een tarief kan niet negatief zijn." in page.content.decode()
    assert not IntensityTariff.objects.filter(year=2027).exists()


def _location(cast: Cast, **fields: object) -> Location:
    return LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        **fields,
    )


def test_a_coordinator_of_the_region_sets_the_band_per_year(
    cast: Cast, api_client_for: ApiFor
) -> None:
    location = _location(cast, intensity="M")
    year = timezone.localdate().year
    url = f"/api/v1/locations/{location.pk}/bands/"
    answer = api_client_for(cast.coordinator).post(url, {"year": year, "band": "Z"}, format="json")
    assert answer.status_code == 200, answer.content
    assert {"year": year, "band": "Z"} in answer.json()
    location.refresh_from_db()
    assert location.intensity == "Z"  # the current year's band is the location's intensity
    nxt = api_client_for(cast.coordinator).post(url, {"year": year + 1, "band": "K"}, format="json")
    assert nxt.status_code == 200
    location.refresh_from_db()
    assert location.intensity == "Z"  # next year's band waits for the year
    assert api_client_for(cast.provider_a).get(url).json()[0] == {"year": year + 1, "band": "K"}
    assert (
        api_client_for(cast.provider_a).get(f"/api/v1/locations/{location.pk}/").json()["intensity"]
        == "Z"
    )


def test_band_refused_for_others_and_bad_input(cast: Cast, api_client_for: ApiFor) -> None:
    location = _location(cast, intensity="M")
    url = f"/api/v1/locations/{location.pk}/bands/"
    year = timezone.localdate().year
    body = {"year": year, "band": "Z"}
    assert api_client_for(cast.provider_a).post(url, body, format="json").status_code == 404
    assert api_client_for(cast.analyst).post(url, body, format="json").status_code == 404
    elsewhere = OrganisationFactory(
        name="CP Elders", kind="coordination_point", regions=[cast.other_region]
    )
    outsider = UserFactory(username="coord_elders", role="coordinator", organisation=elsewhere)
    assert api_client_for(outsider).post(url, body, format="json").status_code == 404
    for bad, field in (
        ({"year": year, "band": "A"}, "band"),
        ({"year": 1800, "band": "Z"}, "year"),
    ):
        answer = api_client_for(cast.coordinator).post(url, bad, format="json")
        assert answer.status_code == 400 and field in answer.json()["errors"]
    assert not LocationBand.objects.filter(location=location, band="Z").exists()
    location.refresh_from_db()
    assert location.intensity == "M"


def test_the_band_page_for_the_coordinator(cast: Cast) -> None:
    location = _location(cast, intensity="M")
    client = Client()
    client.force_login(cast.coordinator)
    url = f"/capacity/locaties/{location.pk}/intensiteit/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"year": "1800", "band": "Z"})
    assert bad.status_code == 400 and "Vul een jaar tussen" in bad.content.decode()
    ok = client.post(url, {"year": str(timezone.localdate().year), "band": "Q"})
    assert ok.status_code == 302
    location.refresh_from_db()
    assert location.intensity == "Q"
    provider = Client()
    provider.force_login(cast.provider_a)
    assert provider.get(url).status_code == 404


def test_intensity_follows_the_band_of_the_new_year(cast: Cast) -> None:
    location = _location(cast, intensity="M")
    LocationBand.objects.create(location=location, year=2031, band="T")
    assert location_bands_follow_year(today=date(2030, 12, 31)) == 0
    assert location_bands_follow_year(today=date(2031, 1, 1)) == 1
    location.refresh_from_db()
    assert location.intensity == "T"
    assert bands_follow_year.apply(kwargs={}).get() == 0  # this year: no band set, unchanged


def test_a_band_changed_in_the_profile_is_this_years_band(cast: Cast) -> None:
    location = _location(cast, intensity="M")
    location_update_profile(location=location, by=cast.provider_a, intensity="P")
    assert LocationBand.objects.get(location=location, year=timezone.localdate().year).band == "P"
