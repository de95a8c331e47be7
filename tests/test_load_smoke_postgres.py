"""The load smoke of test_load_smoke.py on PostgreSQL (a file of its own, so the suite's
workers run the two databases' runs side by side)."""

from __future__ import annotations

import pytest

from tests.conftest import PG_ADMIN_URL
from tests.test_load_smoke import check, run_smoke


@pytest.mark.postgres
def test_five_sessions_for_a_minute_while_an_officer_edits_on_postgresql(tmp_path, request):
    request.getfixturevalue("pg_template")  # skips locally, fails under CI, with no server
    check(*run_smoke("postgresql", tmp_path, "--pg-url", PG_ADMIN_URL))
