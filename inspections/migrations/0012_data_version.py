# The published data's version (inspections/web/data_version.py): a second token, in the
# facet token's table, that triggers move on any write a page can show.

from django.db import migrations

from inspections.migrations._frozen import run

# Frozen in frozen/0012.json: the triggers, the PostgreSQL function and the token's row.
install_page_triggers = run("0012", "install")
uninstall_page_triggers = run("0012", "uninstall")


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0011_facet_triggers_skip_drafts"),
        ("pdus", "0001_initial"),
        ("ratings", "0004_pdu_2023_standards"),
        ("recommendations", "0005_follow_up"),
    ]

    operations = [migrations.RunPython(install_page_triggers, uninstall_page_triggers)]
