from django.db import migrations, models

from inspections.migrations._frozen import run


def number_themes(apps, schema_editor):
    Theme = apps.get_model("inspections", "Theme")
    for bit, theme in enumerate(Theme.objects.order_by("pk")):
        theme.bit = bit
        theme.save(update_fields=["bit"])


# The database keeps each record's theme_bits in step with its tags (frozen/0005.json;
# the live code is in inspections/explorer/themes.py).
install_bit_triggers = run("0005", "install")
uninstall_bit_triggers = run("0005", "uninstall")


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_explorer_themes_and_search"),
        ("recommendations", "0003_theme_bits"),
    ]

    operations = [
        migrations.AddField(
            model_name="theme",
            name="bit",
            field=models.PositiveSmallIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(number_themes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="theme",
            name="bit",
            field=models.PositiveSmallIntegerField(
                unique=True,
                editable=False,
                help_text="Its bit in the theme_bits of the records on it (0 to 62), set when made.",
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="theme_bits",
            field=models.BigIntegerField(
                default=0,
                editable=False,
                help_text="Its themes, a bit each (Theme.bit), kept in step with ThemeTag by the "
                "database: what the findings explorer counts and filters themes by.",
            ),
        ),
        migrations.AddIndex(
            model_name="contextfigure",
            index=models.Index(fields=["inspection", "body"], name="figure_facets"),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                fields=["inspection", "section", "kind", "theme_bits"], name="finding_facets"
            ),
        ),
        migrations.RunPython(install_bit_triggers, uninstall_bit_triggers),
    ]
