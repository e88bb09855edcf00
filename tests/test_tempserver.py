"""The temporary Prefect server a run starts for itself (the e2e tests run through it)."""

import os

import pytest

from pipeline.tempserver import start_temporary_server


@pytest.mark.parametrize("configured", ["http://127.0.0.1:4200/api", "http://prefect.internal:4200/api"])
def test_start_temporary_server_leaves_a_configured_server_alone(monkeypatch, configured):
    monkeypatch.setenv("PREFECT_API_URL", configured)
    assert start_temporary_server() is None
    assert os.environ["PREFECT_API_URL"] == configured
