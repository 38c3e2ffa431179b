"""Background-job bookkeeping: every run of a job is recorded (last run, duration, outcome)."""

import functools
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import ParamSpec, TypeVar

from celery.schedules import crontab
from celery.schedules import schedule as every
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import JobRun

P = ParamSpec("P")
R = TypeVar("R")

# The job name of each tracked function, by its dotted path (which is also its Celery task
# name), so the jobs page can find the runs of a task of the beat schedule.
_JOB_NAMES: dict[str, str] = {}


def tracked_job(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a JobRun around the job body; a failure is recorded and then re-raised."""

    def decorator(func: Callable[P, R]) -> Callable[P, R]:
        _JOB_NAMES[f"{func.__module__}.{func.__name__}"] = name

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            run = JobRun.objects.create(name=name)
            started = time.monotonic()
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                _finish(run, started, JobRun.Outcome.FAILED, type(exc).__name__)
                raise
            _finish(run, started, JobRun.Outcome.OK, "" if result is None else str(result)[:500])
            return result

        return wrapper

    return decorator


def _finish(run: JobRun, started: float, outcome: str, detail: str) -> None:
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.outcome = outcome
    run.detail = detail
    run.save(update_fields=["finished_at", "duration_ms", "outcome", "detail"])


def job_name_for_task(task: str) -> str:
    """The JobRun name of a Celery task given by its dotted path ("placement.tasks.x").

    Imports the task's module, so this also works in a process that never imported it.
    An untracked task keeps its own path as its name.
    """
    module = task.rpartition(".")[0]
    if task not in _JOB_NAMES and module:
        try:
            importlib.import_module(module)
        except ImportError:
            return task
    return _JOB_NAMES.get(task, task)


def schedule_label(schedule: object) -> str:
    """A beat schedule in words: "elke 15 minuten", "dagelijks om 02:30"."""
    seconds = None
    if isinstance(schedule, timedelta):
        seconds = int(schedule.total_seconds())
    elif isinstance(schedule, every):
        seconds = int(schedule.run_every.total_seconds())
    if seconds is not None:
        if seconds == 3600:
            return gettext("elk uur")
        if seconds % 3600 == 0:
            return gettext("elke %(count)d uur") % {"count": seconds // 3600}
        if seconds == 60:
            return gettext("elke minuut")
        if seconds % 60 == 0:
            return gettext("elke %(count)d minuten") % {"count": seconds // 60}
        return gettext("elke %(count)d seconden") % {"count": seconds}
    if (
        isinstance(schedule, crontab)
        and len(schedule.hour) == 1
        and len(schedule.minute) == 1
        and len(schedule.day_of_week) == 7
        and len(schedule.day_of_month) == 31
        and len(schedule.month_of_year) == 12
    ):
        (hour,), (minute,) = schedule.hour, schedule.minute
        return gettext("dagelijks om %(time)s") % {"time": f"{hour:02d}:{minute:02d}"}
    return str(schedule)


@dataclass(frozen=True)
class JobText:
    """What a job is called and does, in the coordinator's words."""

    title: str | Promise
    description: str | Promise
    # What the number a run answers counts ("verstuurde e-mails"), shown before it.
    counts: str | Promise = ""


# Every tracked job, by its JobRun name: the scheduled ones and those a change sets off.
JOB_TEXTS: dict[str, JobText] = {
    "notifications.send_pending": JobText(
        _("Meldingen e-mailen"),
        _(
            "Verstuurt de e-mail van meldingen die nog niet gemaild zijn, bijvoorbeeld omdat "
            "de wachtrij even niet bereikbaar was."
        ),
        _("verstuurde e-mails"),
    ),
    "notifications.daily_digest": JobText(
        _("Dagoverzicht meldingen"),
        _(
            "Mailt gebruikers die een dagelijks overzicht kozen het aantal meldingen van de "
            "vorige dag per soort, met de verzoekcodes; eenmaal per gebruiker per dag."
        ),
        _("verstuurde overzichten"),
    ),
    "offers.expire_overdue": JobText(
        _("Verlopen voorstellen afsluiten"),
        _(
            "Sluit open voorstellen waarvan de reactietermijn voorbij is af als weigering "
            "(geen reactie) en meldt dit aan de coördinator."
        ),
        _("verlopen voorstellen"),
    ),
    "offers.send_reminders": JobText(
        _("Herinneringen voor voorstellen"),
        _("Herinnert de aanbieder één werkdag voordat de reactietermijn van een voorstel afloopt."),
        _("verstuurde herinneringen"),
    ),
    "placements.start_due": JobText(
        _("Geplande plaatsingen starten"),
        _("Zet geplande plaatsingen op actief zodra hun startdatum is bereikt."),
        _("gestarte plaatsingen"),
    ),
    "placements.alert_missing_adult_plan": JobText(
        _("18+-plan nalopen"),
        _(
            "Meldt de coördinator eenmaal per plaatsing wanneer een jongere in een actieve "
            "plaatsing 17½ jaar is en er nog geen 18+-plan is."
        ),
        _("meldingen aan coördinatoren"),
    ),
    "capacity.stale_reminders": JobText(
        _("Herinnering vrije plaatsen bevestigen"),
        _("Herinnert aanbieders die hun vrije plaatsen te lang niet hebben bevestigd."),
        _("verstuurde herinneringen"),
    ),
    "analyses.rebuild_reports": JobText(
        _("Analyses opnieuw berekenen"),
        _(
            "Berekent de rapportages (onvervulde vraag, weigeringen, herplaatsingen, "
            "wachttijden, bezetting) opnieuw uit de gebeurtenissen."
        ),
    ),
    "referrals.retention_erase": JobText(
        _("Bewaartermijn: identiteitsgegevens wissen"),
        _(
            "Wist de identificerende gegevens van jongeren van wie het verzoek langer dan de "
            "bewaartermijn is afgesloten."
        ),
        _("gewiste identiteiten"),
    ),
    "referrals.crisis_documents_reminders": JobText(
        _("Documenten crisisplaatsingen nalopen"),
        _(
            "Herinnert de verwijzer aan de verklarende analyse en plannen van een "
            "crisisplaatsing die binnenkort of te laat zijn, en informeert de coördinator."
        ),
        _("herinnerde verzoeken"),
    ),
    "capacity.announce_free_places": JobText(
        _("Vrije plaatsen doorgeven"),
        _("Kort na een toename van vrije plaatsen: geeft die door aan de wachtlijstbewaking."),
    ),
    "waiting_list.watch": JobText(
        _("Wachtlijst bewaken"),
        _(
            "Na een toename van vrije plaatsen: meldt de coördinator welke wachtende "
            "verzoeken nu bij die locatie passen."
        ),
        _("meldingen aan coördinatoren"),
    ),
    "waiting_list.sweep": JobText(
        _("Wachtlijsten nalopen"),
        _(
            "Elk uur: loopt de wachtlijst na van elke locatie met vrije plaatsen, zodat geen "
            "vrijgekomen plaats wordt gemist."
        ),
        _("meldingen aan coördinatoren"),
    ),
    "outbox.dispatch_pending": JobText(
        _("Uitgestelde achtergrondtaken versturen"),
        _(
            "Verstuurt de achtergrondtaken die zijn vastgelegd terwijl de wachtrij niet "
            "bereikbaar was, en markeert verloren rapportberekeningen als mislukt."
        ),
        _("verstuurde taken"),
    ),
    "capacity.apply_changes": JobText(
        _("Aangekondigde capaciteitswijzigingen doorvoeren"),
        _(
            "Past op de ingangsdatum het aantal plaatsen aan of sluit de locatie, zoals de "
            "aanbieder of coördinator heeft aangekondigd; wat nog niet kan, volgt later."
        ),
        _("doorgevoerde wijzigingen"),
    ),
    "capacity.bands_follow_year": JobText(
        _("Intensiteitsklassen van het jaar overnemen"),
        _(
            "Zet de intensiteit van elke locatie op haar klasse voor het lopende jaar, zodat "
            "de matching vanaf 1 januari de nieuwe klasse gebruikt."
        ),
        _("gewijzigde locaties"),
    ),
}
