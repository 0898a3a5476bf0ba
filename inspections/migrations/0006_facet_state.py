import secrets

from django.db import migrations, models

from inspections.migrations._frozen import run

# The database renews the token on every write the explorer's facets are read from
# (frozen/0006.json; the live code is in inspections/explorer/facet_index.py).
install_token_triggers = run("0006", "install")
uninstall_triggers = run("0006", "uninstall")


def install_triggers(apps, schema_editor):
    install_token_triggers(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM inspections_facetstate")
        cursor.execute(
            "INSERT INTO inspections_facetstate (id, token) VALUES (1, %s)",
            [secrets.randbits(62)],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_theme_bits"),
        ("pdus", "0001_initial"),
        ("ratings", "0001_initial"),
        ("recommendations", "0003_theme_bits"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
