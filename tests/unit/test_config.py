import tomllib
from pathlib import Path

import pytest

from asconsole import cli, config
from asconsole.config import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[quote\ngamma = 1", "not valid TOML"),
        ("[quote]\ngama = 1", "unknown key [quote] gama"),
        ("[quotes]\ngamma = 1", "unknown section [quotes]"),
        ('[quote]\ngamma = "high"', "[quote] gamma must be a number"),
        ("[quote]\ngamma = -1", "[quote] gamma = -1.0 is out of range; allowed from 1e-09 to 100"),
        ('[quote]\nmodel = "bs"', "[quote] model = 'bs' is not one of glft, as"),
        ("[market]\nfutures = 1", "[market] futures must be true or false"),
        ("[quote]\nrequote_ticks = 1.5", "[quote] requote_ticks must be a whole number"),
        ("[quote]\nmin_spread_dollar = 50\nmax_spread_dollar = 20", "must not exceed max_spread_dollar"),
        ("[risk]\ninventory_soft = 6", "inventory_soft (6) must not exceed inventory_hard (5)"),
        ("[quote]\nmax_spread_dollar = 600", "allowed from 5 to 500"),
    ],
)
def test_bad_file_names_file_key_and_allowed(tmp_path, text, fragment):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        config.load(p)
    msg = str(err.value)
    assert msg.startswith(str(p)) and fragment in msg and "\n" not in msg


def test_layering_defaults_file_then_flags(tmp_path):
    p = write(tmp_path, "[quote]\ngamma = 0.02\norder_size = 0.002\n")
    s = config.load(p, {"gamma": 0.05, "leverage": None})
    assert s.quote.gamma == 0.05  # flag wins
    assert s.quote.order_size == 0.002  # file wins over default
    assert s.market.leverage == config.MarketSettings().leverage


def test_default_location_from_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "asconsole").mkdir()
    (tmp_path / "asconsole" / "config.toml").write_text("[quote]\ngamma = 0.3\n")
    assert config.load().quote.gamma == 0.3


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        config.load(tmp_path / "nope.toml")


def test_init_text_is_valid_toml_equal_to_defaults():
    data = tomllib.loads(config.init_text())
    assert config.from_mapping(data) == config.Settings()
    assert "# risk aversion" in config.init_text()


def test_cli_bad_config_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    p = write(tmp_path, "[quote]\ngamma = 'x'\n")
    assert cli.main(["config", "show", "--config", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "[quote] gamma" in err


def test_cli_flag_out_of_range_and_live_on_sim(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert cli.main(["--gamma", "-1", "--no-record"]) == 2
    assert "gamma" in capsys.readouterr().err
    assert cli.main(["--live", "--no-record"]) == 2
    assert "live" in capsys.readouterr().err


def test_cli_config_show_and_init(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert cli.main(["config", "show", "--gamma", "0.07"]) == 0
    shown = tomllib.loads(capsys.readouterr().out)
    assert shown["quote"]["gamma"] == 0.07
    assert cli.main(["config", "init"]) == 0
    assert config.default_path().exists()
    assert cli.main(["config", "init"]) == 2  # refuses to overwrite
    assert "already exists" in capsys.readouterr().err


def test_secrets_masked_in_show(monkeypatch):
    from dataclasses import dataclass, field

    @dataclass(frozen=True, slots=True)
    class Keys:
        api_secret: str = config.setting("", "a secret", secret=True)

    @dataclass(frozen=True, slots=True)
    class S:
        keys: Keys = field(default_factory=Keys)

    shown = config.show(S(Keys("hunter2")))  # type: ignore[arg-type]
    assert "hunter2" not in shown and "***" in shown


def test_a_renamed_key_is_still_read_but_not_together_with_its_new_name():
    """[mexc] on_start became start_orders (Bybit's name): old config files and the
    configuration recorded with old sessions must still load."""
    s = config.from_mapping({"mexc": {"on_start": "adopt"}})
    assert s.mexc.start_orders == "adopt"
    with pytest.raises(config.ConfigError, match="on_start is the old name of start_orders"):
        config.from_mapping({"mexc": {"on_start": "adopt", "start_orders": "cancel"}})
    assert "on_start" not in config.init_text()
