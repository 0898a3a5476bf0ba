# Each theme keeps a digest of the rules its records were tagged by, so that a release
# that changes themes.toml has every record tagged again at its migrate (see
# inspections/explorer/apps.py). On SQLite adding the column remakes the theme table,
# which SQLite refuses while the theme-bit triggers on the tags table refer to it: they
# are dropped first and made again after (the frozen SQL of 0005 and 0008).

from django.db import migrations, models

from inspections.migrations._frozen import run


class Migration(migrations.Migration):
    dependencies = [("inspections", "0008_theme_bit_triggers_without_themes")]

    drop_bit_triggers = run("0005", "uninstall")
    make_bit_triggers = run("0008", "reinstall")

    operations = [
        migrations.RunPython(drop_bit_triggers, make_bit_triggers),
        migrations.AddField(
            model_name="theme",
            name="rules_fingerprint",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="A digest of its rules in themes.toml when records were last "
                "tagged by them.",
                max_length=64,
            ),
        ),
        migrations.RunPython(make_bit_triggers, drop_bit_triggers),
    ]
