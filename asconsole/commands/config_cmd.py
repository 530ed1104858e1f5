"""`asconsole config show|init`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from asconsole import config
from asconsole.commands.common import load_settings, settings_flags
from asconsole.config import ConfigError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cfg = sub.add_parser("config", help="show or create the configuration")
    cfg_sub = cfg.add_subparsers(dest="action", required=True)
    show = cfg_sub.add_parser("show", help="print the effective settings as TOML (secrets masked)")
    settings_flags(show)
    init = cfg_sub.add_parser("init", help="write a default config file with comments")
    init.add_argument("--path", type=Path, help="where to write (default: the standard location)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    cfg.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "show":
        sys.stdout.write(config.show(load_settings(args)))
        return 0
    path = args.path or config.default_path()
    if path.exists() and not args.force:
        raise ConfigError(f"{path}: already exists (use --force to overwrite)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config.init_text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0
