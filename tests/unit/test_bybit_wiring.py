"""What the CLI relies on: factories that satisfy the protocols, light imports, no textual."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asconsole.clock import WallClock
from asconsole.config import Settings
from asconsole.domain import Instrument
from asconsole.venues.base import Broker, Feed, VenueError
from asconsole.venues.bybit import make_broker, make_feed

INST = Instrument("bybit", "BTCUSDT", "0.10", "0.001")
ROOT = Path(__file__).resolve().parents[2]


def test_factories_build_a_feed_and_a_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BYBIT_API_KEY", "k")
    monkeypatch.setenv("BYBIT_API_SECRET", "s")
    s = Settings().replace("bybit", endpoint="testnet", depth=200)
    feed = make_feed(s, INST)
    assert isinstance(feed, Feed) and feed.book_topic == "orderbook.200.BTCUSDT"  # type: ignore[attr-defined]
    broker = make_broker(s, INST, WallClock())
    assert isinstance(broker, Broker) and broker.is_live


def test_make_broker_refuses_a_key_file_others_can_read(tmp_path: Path) -> None:
    f = tmp_path / "keys.toml"
    f.write_text('api_key = "k"\napi_secret = "s"\n')
    os.chmod(f, 0o640)
    s = Settings().replace("bybit", key_file=str(f))
    with pytest.raises(VenueError, match="chmod 600"):
        make_broker(s, INST, WallClock())


def test_config_import_stays_light_and_venues_never_import_textual() -> None:
    code = (
        "import sys\n"
        "import asconsole.config\n"
        "heavy = {'aiohttp', 'aiohttp_socks', 'websockets', 'google.protobuf'} & set(sys.modules)\n"
        "assert not heavy, f'config imports network code: {heavy}'\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'textual' or name.startswith('textual.'):\n"
        "            raise ImportError('textual imported by a venue')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import asconsole.venues.net, asconsole.venues.bybit.data\n"
        "import asconsole.venues.bybit.execution\n"
        "import asconsole.venues.mexc.data, asconsole.venues.mexc.execution\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
