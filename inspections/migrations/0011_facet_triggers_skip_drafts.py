# The facet token's triggers of 0006 renewed it on every write; these renew it only for a
# write that can change what the public sees (not a draft's records), and on PostgreSQL at
# most once between two reads of it in a transaction (inspections/explorer/facet_index.py).

from django.db import migrations

from inspections.migrations._frozen import run

# Frozen in frozen/0011.json: the triggers made again, by the names 0006 gave them (so
# reversing 0006 still drops them).
reinstall_facet_triggers = run("0011", "reinstall")


class Migration(migrations.Migration):
    dependencies = [("inspections", "0010_import_review")]

    operations = [migrations.RunPython(reinstall_facet_triggers, migrations.RunPython.noop)]
