# Items an import leaves to check, resolved by an admin before publishing; documents known
# by their text, not their file name; public notices of corrections.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_draft_items_to_check(apps, schema_editor):
    """Notes on drafts were left by imports: each is now an item to resolve."""
    note = apps.get_model("inspections", "DataQualityNote")
    note.objects.filter(inspection__is_published=False).update(review="to_check")


def forget_repeated_texts(apps, schema_editor):
    """A text imported twice under two names made two documents: the newest keeps the
    checksum that identifies it, so that the constraint can be made."""
    document = apps.get_model("inspections", "SourceDocument")
    seen = set()
    for pk, sha256 in (
        document.objects.exclude(sha256="").order_by("-pk").values_list("pk", "sha256")
    ):
        if sha256 in seen:
            document.objects.filter(pk=pk).update(sha256="")
        seen.add(sha256)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0009_theme_rules_fingerprint"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Correction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("corrected_on", models.DateField()),
                ("changes", models.JSONField(help_text="What changed, one sentence each.")),
            ],
            options={
                "ordering": ["inspection", "corrected_on", "pk"],
            },
        ),
        migrations.AddField(
            model_name="dataqualitynote",
            name="resolution",
            field=models.TextField(
                blank=True, help_text="What the admin corrected, or why the item is right as read."
            ),
        ),
        migrations.AddField(
            model_name="dataqualitynote",
            name="resolved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dataqualitynote",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="dataqualitynote",
            name="review",
            field=models.CharField(
                blank=True,
                choices=[
                    ("to_check", "To check"),
                    ("confirmed", "Confirmed as read"),
                    ("corrected", "Corrected"),
                ],
                help_text="For an item an import left to check: whether an admin has resolved it.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="dataqualitynote",
            name="source_line",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Line of the document's text it is about, if known.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="text",
            field=models.TextField(
                blank=True,
                help_text=(
                    "The text read, for a report imported by an admin: the review shows "
                    "each item to check beside its lines. Blank for the published data's "
                    "own documents."
                ),
            ),
        ),
        migrations.AlterField(
            model_name="sourcedocument",
            name="filename",
            field=models.CharField(
                help_text="As received; two documents may share a name, not a text.", max_length=200
            ),
        ),
        migrations.RunPython(mark_draft_items_to_check, migrations.RunPython.noop),
        migrations.RunPython(forget_repeated_texts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="sourcedocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("sha256", ""), _negated=True),
                fields=("sha256",),
                name="unique_document_text",
            ),
        ),
        migrations.AddField(
            model_name="correction",
            name="inspection",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="corrections",
                to="inspections.inspection",
            ),
        ),
    ]
