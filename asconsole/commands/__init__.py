"""Subcommands. Each module has `register(subparsers)`, which adds its parser with
`set_defaults(handler=run)`, and `run(args) -> int`. `cli.py` lists them in COMMANDS."""
