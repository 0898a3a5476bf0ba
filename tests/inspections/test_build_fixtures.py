"""The committed fixtures are exactly what the builder makes from the report texts."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inspections.ingest.builder import BuildError, build
from inspections.ingest.builder.fixtures import dumps

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"


def test_rebuilding_from_the_reports_gives_the_committed_fixtures(reports_dir):
    rebuilt = build(reports_dir).by_app()
    committed = sorted(p.stem for p in FIXTURES_DIR.glob("*.json"))
    assert sorted(rebuilt) == committed
    for app_label, records in rebuilt.items():
        on_disk = (FIXTURES_DIR / f"{app_label}.json").read_text(encoding="utf-8")
        assert dumps(records) == on_disk, f"fixtures/{app_label}.json is stale: run make fixtures"


def test_command_writes_loadable_fixtures(reports_dir, tmp_path, db):
    call_command("build_fixtures", str(reports_dir), "--output", str(tmp_path), verbosity=0)
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    assert written == ["inspections.json", "pdus.json", "ratings.json", "recommendations.json"]
    call_command("loaddata", *[str(tmp_path / name) for name in written], verbosity=0)


def test_dry_run_writes_nothing(reports_dir, tmp_path):
    call_command("build_fixtures", str(reports_dir), "--output", str(tmp_path), "--dry-run")
    assert list(tmp_path.iterdir()) == []


def test_missing_document_is_a_clear_error(reports_dir, tmp_path):
    for path in reports_dir.glob("00[0-3]_*.txt"):
        shutil.copy(path, tmp_path)
    with pytest.raises(CommandError, match="004_9c5eb2f13fcb4e8c.txt: missing"):
        call_command("build_fixtures", str(tmp_path), "--dry-run")


def test_a_quote_that_is_not_in_the_document_fails_the_build(reports_dir, tmp_path):
    for path in reports_dir.glob("00*.txt"):
        shutil.copy(path, tmp_path)
    lambeth = tmp_path / "000_dc3a9006563f0344.txt"
    lambeth.write_text(
        lambeth.read_text(encoding="utf-8").replace("1089 people", "1098 people"), encoding="utf-8"
    )
    with pytest.raises(BuildError, match="quote not found"):
        build(tmp_path)


def test_every_record_names_its_source(reports_dir):
    fixtures = build(reports_dir)
    for label in [
        "inspections.finding",
        "recommendations.recommendation",
        "inspections.contextfigure",
        "ratings.keyquestionscore",
        "ratings.standardrating",
    ]:
        for record in fixtures.records(label):
            fields = record["fields"]
            assert fields["source_section"], (label, record["pk"])
            assert fields["source_line"] >= 1, (label, record["pk"])


def test_fixture_files_are_valid_json():
    for path in FIXTURES_DIR.glob("*.json"):
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), list)


def test_every_loaded_record_passes_model_validation(published_data):
    from django.apps import apps

    checked = 0
    for label in ["pdus", "ratings", "inspections", "recommendations"]:
        for model in apps.get_app_config(label).get_models():
            for record in model.objects.all():
                record.full_clean()
                checked += 1
    assert checked > 500


def test_a_name_not_in_the_sources_fails_the_build(reports_dir, tmp_path):
    for path in reports_dir.glob("00*.txt"):
        shutil.copy(path, tmp_path)
    lewisham = tmp_path / "002_dfa0cb83f9a93719.txt"
    lewisham.write_text(
        lewisham.read_text(encoding="utf-8").replace("London region should:", "Bromley should:"),
        encoding="utf-8",
    )
    with pytest.raises(
        BuildError,
        match="002_dfa0cb83f9a93719.txt: Recommendation 7: the addressee .Bromley. is not known",
    ):
        build(tmp_path)
