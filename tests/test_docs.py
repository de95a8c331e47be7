"""Documentation that users rely on stays true: data formats, templates, settings."""

from __future__ import annotations

import importlib.util

from data_access.datasets import DATASETS, LOAD_ORDER
from data_access.importer import import_file
from data_access.settings import Settings
from tests.conftest import DIRECTOR, REPO


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_data_formats", REPO / "docs" / "make_data_formats.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_formats_document_is_up_to_date():
    committed = (REPO / "docs" / "data-formats.md").read_text(encoding="utf-8")
    assert committed == _generator().document(), "run: uv run python docs/make_data_formats.py"


def test_every_dataset_has_both_templates_and_they_import_cleanly(sqlite_store):
    assert set(LOAD_ORDER) == set(DATASETS)
    for name in LOAD_ORDER:
        for suffix in ("csv", "xlsx"):
            path = REPO / "docs" / "templates" / f"{name}.{suffix}"
            report = import_file(sqlite_store, name, path, actor=DIRECTOR)
            assert report.rows > 0 and report.inserted + report.unchanged > 0, path


def test_every_setting_is_in_the_readme_configuration_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"`ASCGOV_{name.upper()}`" in readme, name
        assert field.description, name


def test_readme_opens_with_the_two_commands():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split()[0] for line in block] == ["./scripts/run-dashboard", "./scripts/run-tests"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/run-tests" in ci
