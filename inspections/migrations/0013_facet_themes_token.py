# A record's themes move a token of their own (inspections/explorer/facet_index.py): the
# facet token's triggers no longer watch theme_bits, and a process renews its arrays for a
# theme change in the background instead of before its next search.

from django.db import migrations

from inspections.migrations._frozen import run

# Frozen in frozen/0013.json. Undoing it leaves the facet token's triggers without
# theme_bits: 0011's, run again, put them back.
install_themes_token = run("0013", "install")
uninstall_themes_token = run("0013", "uninstall")
reinstall_facet_triggers = run("0011", "reinstall")


def uninstall(apps, schema_editor):
    uninstall_themes_token(apps, schema_editor)
    reinstall_facet_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0012_data_version")]

    operations = [migrations.RunPython(install_themes_token, uninstall)]
