"""`asconsole` command line: run (the default), config show/init.

Every error the operator can cause (bad flag, bad config, unreadable file) is one line on
stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

from asconsole import __version__, config
from asconsole.clock import WallClock
from asconsole.config import ConfigError

SUBCOMMANDS = ("run", "config")


def _number(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    return v


def _run_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="config file (default: $XDG_CONFIG_HOME/asconsole/config.toml)")
    p.add_argument("--venue", choices=("sim", "bybit", "mexc"))
    p.add_argument("--symbol")
    fut = p.add_mutually_exclusive_group()
    fut.add_argument("--futures", action="store_const", const=True, help="linear perpetual")
    fut.add_argument("--spot", dest="futures", action="store_const", const=False, help="spot")
    p.add_argument("--leverage", type=_number)
    p.add_argument("--order-size", type=_number, help="order size in BTC")
    p.add_argument("--gamma", type=_number, help="risk aversion")
    p.add_argument("--kappa-value", type=_number, help="fixed kappa, per dollar")
    p.add_argument("--model", choices=("glft", "as"))
    p.add_argument("--live", action="store_const", const=True, help="start in live mode")
    p.add_argument("--regime", help="simulated market regime")
    p.add_argument("--seed", type=int, help="simulated market seed")
    p.add_argument("--theme")
    p.add_argument("--no-record", action="store_true", help="do not record this run")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="asconsole", description="Bitcoin market-making console (GLFT / Avellaneda-Stoikov).")
    p.add_argument("--version", action="version", version=f"asconsole {__version__}")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="start the console (default)")
    _run_flags(run)
    cfg = sub.add_parser("config", help="show or create the configuration")
    cfg_sub = cfg.add_subparsers(dest="action", required=True)
    show = cfg_sub.add_parser("show", help="print the effective settings as TOML (secrets masked)")
    _run_flags(show)
    init = cfg_sub.add_parser("init", help="write a default config file with comments")
    init.add_argument("--path", type=Path, help="where to write (default: the standard location)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    return p


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {flag: getattr(args, flag, None) for flag in config.FLAG_KEYS}


def load_settings(args: argparse.Namespace) -> config.Settings:
    return config.load(args.config, overrides(args))


def cmd_config(args: argparse.Namespace) -> int:
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


def cmd_run(args: argparse.Namespace) -> int:
    from asconsole.launch import build
    from asconsole.tui.app import AsconsoleApp

    settings = load_settings(args)
    launch = build(settings, WallClock(), record=not args.no_record)
    app = AsconsoleApp(launch.runner, refresh_hz=settings.ui.refresh_hz)

    def on_signal(name: str) -> None:
        launch.runner.request_stop(name)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, on_signal, sig.name)
        await app.run_async()

    try:
        asyncio.run(main())
    finally:
        if launch.recorder is not None:
            launch.recorder.close(WallClock().now(), app.exit_reason or "console closed")
    if launch.recorder is not None:
        print(f"session recorded in {launch.recorder.path}")
    if app.exit_reason.startswith("engine error"):
        print(f"asconsole: {app.exit_reason}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "run")
    args = parser().parse_args(argv)
    try:
        if args.command == "config":
            return cmd_config(args)
        return cmd_run(args)
    except ConfigError as exc:
        print(f"asconsole: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
