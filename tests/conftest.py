"""Suite-wide isolation: no test reads the operator's own config or writes into the repo."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home))
    for var in ("BYBIT_API_KEY", "BYBIT_API_SECRET", "MEXC_API_KEY", "MEXC_API_SECRET", "SOCKS5_PROXY"):
        monkeypatch.delenv(var, raising=False)
