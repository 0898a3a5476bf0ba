from django.db import migrations, models


def install_triggers(apps, schema_editor):
    # The database renews the token on every write the explorer's facets are read from;
    # see inspections/facet_index.py.
    from inspections import facet_index

    facet_index.install_triggers(schema_editor.connection)
    facet_index.renew_token(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    from inspections import facet_index

    facet_index.uninstall_triggers(schema_editor.connection)


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
