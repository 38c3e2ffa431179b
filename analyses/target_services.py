"""Writes of KPI targets (issue 23 point 6): the functional administrator keeps them for every
region and per region, a coordinator for the regions it works for. Every value is checked
at once and each bad one named (ValidationFailed, a 400)."""

import math
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Region, Role, User
from analyses import catalogue
from analyses.models import KpiTarget
from config.errors import NotFound, ValidationFailed

YEAR_MIN, YEAR_MAX = 2000, 2100
NOTE_MAX = 300


def _number(value: object) -> float | None:
    """A target as typed: 85, 85.5 or '85,5'; None when it is not a finite number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and YEAR_MIN <= value <= YEAR_MAX else None


def _region(*, by: User, region: object) -> tuple[Region | None, list[str]]:
    """The region chosen ('' or None: every region, the administrator's alone)."""
    if region in ("", None):
        if by.role == Role.ADMIN:
            return None, []
        return None, [
            _("Kies een van uw regio's; een streefwaarde voor alle regio's stelt de beheerder in.")
        ]
    region_code = region.code if isinstance(region, Region) else region
    found = catalogue.target_regions(user=by).filter(code=str(region_code)).first()
    if found is None:
        return None, [_("Kies een regio uit de lijst.")]
    return found, []


@transaction.atomic
def kpi_target_save(
    *,
    by: User,
    region: object,
    code: object,
    year: object,
    target: object,
    note: object = "",
) -> KpiTarget:
    """Set (or change) the target of a KPI for a region (or every region) and year."""
    if not catalogue.may_keep_targets(by):
        raise PermissionDenied
    errors: dict[str, list[str]] = defaultdict(list)
    chosen, region_errors = _region(by=by, region=region)
    errors["region"] += region_errors
    kpi = catalogue.BY_CODE.get(code) if isinstance(code, str) else None
    if kpi is None:
        errors["code"].append(_("Onbekend kengetal: kies er een uit de catalogus."))
    year_value = _year(year)
    if year_value is None:
        errors["year"].append(
            _("Vul een jaar tussen %(min)d en %(max)d in.") % {"min": YEAR_MIN, "max": YEAR_MAX}
        )
    value = _number(target)
    if value is None:
        errors["target"].append(_("Vul een getal in, bijvoorbeeld 85 of 7,5."))
    elif value < 0:
        errors["target"].append(_("Een streefwaarde is 0 of meer."))
    elif kpi is not None and kpi.unit == catalogue.PERCENT and value > 100:
        errors["target"].append(_("Een percentage is hoogstens 100."))
    if not isinstance(note, str):
        errors["note"].append(_("Vul een tekst in."))
    elif len(note.strip()) > NOTE_MAX:
        errors["note"].append(_("De toelichting is hoogstens %(max)d tekens.") % {"max": NOTE_MAX})
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationFailed(errors)
    assert kpi is not None and year_value is not None and value is not None
    assert isinstance(note, str)
    row, _created = KpiTarget.objects.update_or_create(
        region=chosen,
        code=kpi.code,
        year=year_value,
        defaults={"target": value, "note": note.strip(), "updated_by": by},
    )
    return row


@transaction.atomic
def kpi_target_delete(*, target: KpiTarget, by: User) -> None:
    """Remove a target the user keeps (another's is NotFound)."""
    if not catalogue.targets_for_user(user=by).filter(pk=target.pk).exists():
        raise NotFound
    KpiTarget.objects.filter(pk=target.pk).delete()
