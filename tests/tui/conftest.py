import pytest


@pytest.fixture(autouse=True)
def _colour_on(monkeypatch):
    """Tests choose their theme; a NO_COLOR in the developer's shell must not pick it."""
    monkeypatch.delenv("NO_COLOR", raising=False)
