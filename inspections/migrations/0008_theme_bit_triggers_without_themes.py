# The theme-bit triggers of 0005 set a record's bits to NULL when a tag outlived its
# theme (as when a flush empties the themes before the tags); these put back ones that
# leave the bits as they are then.

from django.db import migrations


def reinstall_bit_triggers(apps, schema_editor):
    from inspections import themes

    themes.uninstall_bit_triggers(schema_editor.connection)
    themes.install_bit_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_facet_indexes_unused")]

    operations = [migrations.RunPython(reinstall_bit_triggers, migrations.RunPython.noop)]
