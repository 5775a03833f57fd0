"""Shared fixtures and the Hypothesis profiles: every test gets its own data directory.

READER_HYPOTHESIS picks the profile: "ci" (the default: a few hundred examples, the same ones on
every run, no deadline) or "thorough" (10,000 examples, new ones each run) for a run by hand:
    READER_HYPOTHESIS=thorough .venv/bin/python -m pytest -q tests/test_export_markdown_property.py
A test that sets its own max_examples keeps it under either profile.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,  # a failure in CI fails every time, and a pass is not luck
    database=None,
    deadline=None,  # a busy machine is not a slow function
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=10_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("READER_HYPOTHESIS", "ci"))


@pytest.fixture(autouse=True)
def reader_home(tmp_path, monkeypatch):
    """Point READER_HOME at a fresh temporary folder for each test."""
    home = tmp_path / "reader-home"
    monkeypatch.setenv("READER_HOME", str(home))
    return home


# The feed tests' 127.0.0.1 server, and a guard for every test: no connection leaves the machine.
from tests.feeds_server import no_network, server  # noqa: E402, F401
