# The theme-bit triggers of 0005 set a record's bits to NULL when a tag outlived its
# theme (as when a flush empties the themes before the tags); these put back ones that
# leave the bits as they are then.

from django.db import migrations

from inspections.migrations._frozen import run

# Frozen in frozen/0008.json: drop the bit triggers of 0005, make the new ones.
reinstall_bit_triggers = run("0008", "reinstall")


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_facet_indexes_unused")]

    operations = [migrations.RunPython(reinstall_bit_triggers, migrations.RunPython.noop)]
