# Urgency, crisis placement and coded origin (issue 21, points 1 and 6).

import django.db.models.deletion
from django.db import migrations, models

# Old free text → the coded previous situation; text that matches nothing becomes `other`
# (the text itself stays in `current_situation` as the explanation).
KEYWORDS = (
    ("secured", ("gesloten", "jeugdzorgplus", "jzp")),
    ("foster_care", ("pleeg",)),
    ("residential", ("residentie", "leefgroep", "behandelgroep", "gezinshuis", "instelling")),
    ("home", ("thuis", "ouders", "moeder", "vader")),
)


def code_previous_situation(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    for referral in Referral.objects.exclude(current_situation="").only("current_situation"):
        text = referral.current_situation.lower()
        code = next(
            (code for code, words in KEYWORDS if any(word in text for word in words)), "other"
        )
        Referral.objects.filter(pk=referral.pk).update(previous_situation=code)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_app_role_privileges"),
        ("capacity", "0005_capacity_changes_unstaffed"),
        ("referrals", "0005_alter_referralcodecounter_last_number_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="crisis_location",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="capacity.location",
                verbose_name="crisisplek (uit het register)",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="crisis_placed_where",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="crisisplek (andere plek)"
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="crisis_reason",
            field=models.TextField(blank=True, verbose_name="reden crisisplaatsing"),
        ),
        migrations.AddField(
            model_name="referral",
            name="documents_completed_on",
            field=models.DateField(blank=True, null=True, verbose_name="documenten compleet"),
        ),
        migrations.AddField(
            model_name="referral",
            name="documents_due_on",
            field=models.DateField(blank=True, null=True, verbose_name="documenten uiterlijk"),
        ),
        migrations.AddField(
            model_name="referral",
            name="previous_situation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("home", "thuis"),
                    ("foster_care", "pleegzorg"),
                    ("residential", "residentiële jeugdhulp"),
                    ("secured", "gesloten jeugdhulp"),
                    ("other", "anders"),
                ],
                max_length=20,
                verbose_name="vorige situatie",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="request_kind",
            field=models.CharField(
                choices=[
                    ("new", "nieuwe plaatsing"),
                    ("transfer", "doorplaatsing"),
                    ("readmission", "heraanmelding"),
                ],
                default="new",
                max_length=20,
                verbose_name="soort verzoek",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="responsible_municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.municipality",
                verbose_name="verantwoordelijke gemeente (woonplaatsbeginsel)",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="urgency",
            field=models.CharField(
                choices=[("planned", "gepland"), ("urgent", "urgent"), ("crisis", "crisis")],
                default="planned",
                max_length=10,
                verbose_name="urgentie",
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(("urgency__in", ["planned", "urgent", "crisis"])),
                name="referral_urgency_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("previous_situation", ""),
                    (
                        "previous_situation__in",
                        ["home", "foster_care", "residential", "secured", "other"],
                    ),
                    _connector="OR",
                ),
                name="referral_previous_situation_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(("request_kind__in", ["new", "transfer", "readmission"])),
                name="referral_request_kind_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("urgency", "crisis"),
                    models.Q(
                        ("documents_completed_on__isnull", True), ("documents_due_on__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="referral_documents_due_only_crisis",
            ),
        ),
        migrations.RunPython(code_previous_situation, migrations.RunPython.noop),
    ]
