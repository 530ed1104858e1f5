"""Flags shared by the subcommands that build settings (run, config show, backtest...)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from asconsole import config


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def settings_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path,
                   help="config file (default: $XDG_CONFIG_HOME/asconsole/config.toml)")
    p.add_argument("--venue", choices=("sim", "bybit", "mexc"))
    p.add_argument("--symbol")
    fut = p.add_mutually_exclusive_group()
    fut.add_argument("--futures", action="store_const", const=True, help="linear perpetual")
    fut.add_argument("--spot", dest="futures", action="store_const", const=False, help="spot")
    p.add_argument("--leverage", type=number)
    p.add_argument("--order-size", type=number, help="order size in BTC")
    p.add_argument("--gamma", type=number, help="risk aversion")
    p.add_argument("--kappa-value", type=number, help="fixed kappa, per dollar")
    p.add_argument("--model", choices=("glft", "as"))
    p.add_argument("--live", action="store_const", const=True, help="start in live mode")
    p.add_argument("--regime", help="simulated market regime")
    p.add_argument("--seed", type=int, help="simulated market seed")
    p.add_argument("--theme")


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {flag: getattr(args, flag, None) for flag in config.FLAG_KEYS}


def load_settings(args: argparse.Namespace) -> config.Settings:
    return config.load(args.config, overrides(args))
