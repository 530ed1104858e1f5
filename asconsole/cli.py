"""`asconsole` command line. `run` is the default subcommand.

Every error the operator can cause (bad flag, bad config, unreadable file) is one line on
stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from asconsole import __version__
from asconsole.config import ConfigError
from asconsole.recording.reader import RecordingError
from asconsole.venues.base import VenueError

# One module per subcommand under asconsole/commands (see its __init__ for the contract).
COMMANDS = (
    "run_cmd", "config_cmd", "control_cmd", "backtest_cmd", "sweep_cmd", "replay_cmd", "report_cmd",
    "import_cmd",
)


def parser() -> tuple[argparse.ArgumentParser, set[str]]:
    """The parser and its subcommand names (argv that starts with none of them means `run`)."""
    p = argparse.ArgumentParser(
        prog="asconsole", description="Bitcoin market-making console (GLFT / Avellaneda-Stoikov)."
    )
    p.add_argument("--version", action="version", version=f"asconsole {__version__}")
    sub = p.add_subparsers(dest="command")
    for name in COMMANDS:
        importlib.import_module(f"asconsole.commands.{name}").register(sub)
    return p, set(sub.choices)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    p, names = parser()
    if not argv or (argv[0] not in names and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "run")
    args = p.parse_args(argv)
    try:
        return int(args.handler(args))
    except (ConfigError, RecordingError) as exc:
        print(f"asconsole: {exc}", file=sys.stderr)
        return 2
    except VenueError as exc:
        print(f"asconsole: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
