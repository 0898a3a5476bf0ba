"""The PDU standards as HMIP refreshed them in 2023: a framework version of its own.

Reports from 2024 rate three organisational standards and four case-supervision
standards; court work and victim work moved to the regional inspections. No key
questions are added: the importer records each in the words of the first report that
publishes it, so none is written here from memory.

Primary keys are given because the published fixtures number programmes and standards
from 1 and are loaded after migrating: rows numbered by the database would take their
keys and be overwritten, without a word, when the fixtures load.
"""

from django.core.management.color import no_style
from django.db import migrations

SLUG = "pdu-2023"
PROGRAMME_PK = 1001
FIRST_STANDARD_PK = 1001
ORGANISATIONAL = "Organisational arrangements and delivery"
SERVICE_DELIVERY = "Service delivery"
# (code, slug, name, domain, rated from key questions)
STANDARDS = [
    ("1.1", "1-1-leadership", "Leadership", ORGANISATIONAL, False),
    ("1.2", "1-2-staffing", "Staffing", ORGANISATIONAL, False),
    ("1.3", "1-3-services", "Services", ORGANISATIONAL, False),
    ("2.1", "2-1-assessment", "Assessment", SERVICE_DELIVERY, True),
    ("2.2", "2-2-planning", "Planning", SERVICE_DELIVERY, True),
    (
        "2.3",
        "2-3-implementation-and-delivery",
        "Implementation and delivery",
        SERVICE_DELIVERY,
        True,
    ),
    ("2.4", "2-4-reviewing", "Reviewing", SERVICE_DELIVERY, True),
]

DESCRIPTION = """\
Every Probation Delivery Unit in a region, then the region, under the standards HMIP \
revised after its 2022 consultation and applied to PDU reports from 2024: three \
organisational standards (1.1 Leadership, 1.2 Staffing, 1.3 Services) and four \
case-supervision standards (2.1 Assessment, 2.2 Planning, 2.3 Implementation and \
delivery, 2.4 Reviewing), each rated from its lowest key-question percentage. Court \
work and victim work are inspected regionally. Domain names as HMIP's page on its PDU \
inspections gives them.

ASSUMED, TO BE CONFIRMED BY AN ADMIN: HMIP's bands for this version are not in our \
sources. The key-question bands are the 2021 standards' (80%, 65%, 50%). The score \
bands are the 2021 standards' (21, 13 and 5 of 24) scaled to this version's maximum of \
21 (7 rated standards) and rounded: Outstanding from 18, Good from 11, Requires \
improvement from 4. Check both against HMIP's domain one rules and guidance (January \
2024) and domain two case assessment rules and guidance (November 2023), and against \
the ratings and score of a published 2024 report, then correct them here and remove \
this paragraph. The date the version came into force is not recorded for the same \
reason: enter it, so that reports whose standards cannot be read fall back to it."""


def add_version(apps, schema_editor):
    Programme = apps.get_model("ratings", "Programme")
    Standard = apps.get_model("ratings", "Standard")
    if Programme.objects.filter(slug=SLUG).exists():
        return
    programme = Programme.objects.create(
        pk=PROGRAMME_PK,
        slug=SLUG,
        name="PDU inspection programme (2023 standards)",
        rating_scheme="four_point",
        started=None,
        # HMIP paused its PDU inspections from October 2025, as recorded for 2021's.
        ended="2025-10-01",
        description=DESCRIPTION,
        outstanding_percent=80,
        good_percent=65,
        requires_improvement_percent=50,
        outstanding_score=18,
        good_score=11,
        requires_improvement_score=4,
    )
    Standard.objects.bulk_create(
        Standard(
            pk=FIRST_STANDARD_PK + index,
            programme=programme,
            code=code,
            slug=slug,
            name=name,
            domain=domain,
            is_rated=True,
            rated_from_key_questions=from_key_questions,
            position=index + 1,
        )
        for index, (code, slug, name, domain, from_key_questions) in enumerate(STANDARDS)
    )
    # PostgreSQL's sequences do not follow keys given by hand; SQLite's do.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Programme, Standard]):
            cursor.execute(sql)


def remove_version(apps, schema_editor):
    """By SQL: the ORM's delete would look for rows of other apps' models pointing at the
    standards, which this migration's state does not hold. Anything that uses the version
    (an inspection, a section) makes the database refuse, as it should."""
    programme = apps.get_model("ratings", "Programme")._meta.db_table
    standard = apps.get_model("ratings", "Standard")._meta.db_table
    key_question = apps.get_model("ratings", "KeyQuestion")._meta.db_table
    of_version = f"SELECT id FROM {programme} WHERE slug = %s"
    schema_editor.execute(
        f"DELETE FROM {key_question} WHERE standard_id IN "
        f"(SELECT id FROM {standard} WHERE programme_id IN ({of_version}))",
        [SLUG],
    )
    schema_editor.execute(f"DELETE FROM {standard} WHERE programme_id IN ({of_version})", [SLUG])
    schema_editor.execute(f"DELETE FROM {programme} WHERE slug = %s", [SLUG])


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0003_rating_bands"),
    ]

    operations = [
        migrations.RunPython(add_version, remove_version),
    ]
