"""A setting that cannot be used is named in one line, by the CLI and by the app; no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.settings import SettingsError, get_settings
from tests.conftest import REPO

ASCGOV = shutil.which("ascgov", path=str(Path(sys.executable).parent)) or "ascgov"
MESSAGE = (
    "ASCGOV_MAX_IMPORT_BYTES='abc' cannot be used: Input should be a valid integer, "
    "unable to parse string as an integer"
)


@pytest.fixture
def unusable_setting(monkeypatch):
    monkeypatch.setenv("ASCGOV_MAX_IMPORT_BYTES", "abc")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_reading_the_settings_names_the_variable_and_its_value(unusable_setting):
    with pytest.raises(SettingsError) as caught:
        get_settings()
    assert str(caught.value) == MESSAGE


def test_two_unusable_settings_are_both_named(unusable_setting, monkeypatch):
    monkeypatch.setenv("ASCGOV_MAX_IMPORT_ROWS", "0")
    with pytest.raises(SettingsError) as caught:
        get_settings()
    assert str(caught.value) == (
        f"{MESSAGE}; ASCGOV_MAX_IMPORT_ROWS='0' cannot be used: Input should be greater than 0"
    )


@pytest.mark.parametrize("command", [["import", "areas", "areas.csv"], ["users", "list"]])
def test_the_cli_says_which_setting_in_one_line_and_touches_no_store(tmp_path, command):
    store = tmp_path / "store.sqlite3"
    (tmp_path / "areas.csv").write_text("code,title,status\nIP90,Discharge,In progress\n")
    env = {
        **os.environ,
        "ASCGOV_MAX_IMPORT_BYTES": "abc",
        "ASCGOV_DATABASE_URL": "sqlite:///" + str(store),
        "ASCGOV_AS": "director@demo.example",
    }
    done = subprocess.run(
        [ASCGOV, *command], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", MESSAGE + "\n")
    assert not store.exists()


def test_the_app_says_which_setting_instead_of_a_traceback(unusable_setting):
    at = AppTest.from_file(str(REPO / "dashboard" / "streamlit_app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"The dashboard cannot start: {MESSAGE}"]


THRESHOLDS_MESSAGE = (
    "ASCGOV_BRAG_AMBER_AT_PERCENT='96' cannot be used with ASCGOV_BRAG_GREEN_AT_PERCENT='95': "
    "the Amber threshold must not be above the Green one"
)


@pytest.fixture
def amber_above_green(monkeypatch):
    monkeypatch.setenv("ASCGOV_BRAG_AMBER_AT_PERCENT", "96")
    monkeypatch.setenv("ASCGOV_BRAG_GREEN_AT_PERCENT", "95")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_amber_above_green_is_refused_naming_both_variables(amber_above_green):
    with pytest.raises(SettingsError) as caught:
        get_settings()
    assert str(caught.value) == THRESHOLDS_MESSAGE


def test_amber_equal_to_green_is_a_rule_without_amber(monkeypatch):
    monkeypatch.setenv("ASCGOV_BRAG_AMBER_AT_PERCENT", "95")
    get_settings.cache_clear()
    try:
        assert get_settings().brag_amber_at_percent == get_settings().brag_green_at_percent == 95
    finally:
        get_settings.cache_clear()


def test_the_cli_refuses_amber_above_green_in_one_line(tmp_path):
    store = tmp_path / "store.sqlite3"
    env = {
        **os.environ,
        "ASCGOV_BRAG_AMBER_AT_PERCENT": "96",
        "ASCGOV_BRAG_GREEN_AT_PERCENT": "95",
        "ASCGOV_DATABASE_URL": "sqlite:///" + str(store),
        "ASCGOV_AS": "director@demo.example",
    }
    done = subprocess.run(
        [ASCGOV, "check"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", THRESHOLDS_MESSAGE + "\n")
    assert not store.exists()


def test_the_app_refuses_amber_above_green_at_start_up(amber_above_green):
    at = AppTest.from_file(str(REPO / "dashboard" / "streamlit_app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"The dashboard cannot start: {THRESHOLDS_MESSAGE}"]
