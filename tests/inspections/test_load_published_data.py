from io import StringIO

from django.core.management import call_command

from inspections.models import Finding, Inspection


def run(*args):
    out = StringIO()
    call_command("load_published_data", *args, stdout=out)
    return out.getvalue()


def test_loads_an_empty_database(db):
    assert "Loaded 9 inspections" in run()
    assert Inspection.objects.count() == 9


def test_a_second_run_keeps_what_admins_changed(db):
    run()
    findings = Finding.objects.count()
    Inspection.objects.filter(slug="newham-2022").update(lead_inspector="Entered by an admin")
    assert "already loaded" in run()
    assert Inspection.objects.get(slug="newham-2022").lead_inspector == "Entered by an admin"
    assert Finding.objects.count() == findings


def test_reload_loads_again_without_duplicating(db):
    run()
    findings = Finding.objects.count()
    run("--reload")
    assert Inspection.objects.count() == 9
    assert Finding.objects.count() == findings
