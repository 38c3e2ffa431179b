"""factory_boy factories shared by every test module."""

import factory
from django.utils import timezone

from accounts.models import Municipality, Organisation, Region, Role, User
from capacity.models import Location
from config.codes import CareForm, Expertise

TEST_PASSWORD = "test-password-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"JR-T{n:02d}")
    name = factory.Sequence(lambda n: f"Testregio {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    # Six characters like a CBS code; 2000-9999 are unused by real municipalities. The
    # sequence runs on over a whole session (thousands), so it wraps instead of growing.
    code = factory.Sequence(lambda n: f"GM{2000 + n % 8000:04d}")
    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    region = factory.SubFactory(RegionFactory)
    latitude = 52.09
    longitude = 5.12


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.REFERRER
    municipality = factory.SubFactory(MunicipalityFactory)

    @factory.post_generation
    def regions(self, create: bool, extracted: list[Region] | None, **kwargs: object) -> None:
        if not create:
            return
        if extracted is None and self.municipality is not None:
            extracted = [self.municipality.region]
        if extracted:
            self.regions.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@test.example")
    role = Role.REFERRER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        skip_postgeneration_save = True

    provider = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PROVIDER)
    name = factory.Sequence(lambda n: f"Locatie {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    latitude = factory.SelfAttribute("municipality.latitude")
    longitude = factory.SelfAttribute("municipality.longitude")
    care_form = CareForm.TREATMENT_GROUP
    expertise = factory.LazyFunction(lambda: [Expertise.YOUTH_PARENTING.value])
    age_min = 12
    age_max = 18
    total_places = 6
    free_places = 2
    held_places = 0
    occupied_places = 4
    last_confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def regions(self, create: bool, extracted: list[Region] | None, **kwargs: object) -> None:
        if create:
            self.regions.set(extracted or [self.municipality.region])
