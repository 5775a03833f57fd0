"""Shared fixtures: every test gets its own data directory, so no test touches a real library."""

import pytest


@pytest.fixture(autouse=True)
def reader_home(tmp_path, monkeypatch):
    """Point READER_HOME at a fresh temporary folder for each test."""
    home = tmp_path / "reader-home"
    monkeypatch.setenv("READER_HOME", str(home))
    return home


# The feed tests' 127.0.0.1 server, and a guard for every test: no connection leaves the machine.
from tests.feeds_server import no_network, server  # noqa: E402, F401
