"""What-if: the same market data, other parameters, a fresh paper exchange.

`parse_changes` turns `gamma=0.01 risk.inventory_hard=8` into validated settings changes (a
bare key is one of [quote]); `WhatIf` runs a second engine through the `Driver` beside a
replay. The operator's pause, resume and flatten reach it too, so both engines quote over
the same stretches; a recorded `set_param` of a key the what-if overrides is not applied.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, get_type_hints

from asconsole.clock import EventClock
from asconsole.config import SECTIONS, ConfigError, Settings
from asconsole.domain import Command, CommandKind, Instrument, MarketEvent
from asconsole.engine.driver import Driver
from asconsole.engine.engine import TUNABLE, Engine
from asconsole.fees import FeeSchedule
from asconsole.venues.paper import PaperExchange, paper_wallet

SKIPPED = (CommandKind.GO_LIVE, CommandKind.GO_PAPER)


def _typed(section: str, key: str, text: str) -> Any:
    typ = get_type_hints(SECTIONS[section])[key]
    if typ is bool:
        if text.lower() not in ("true", "false"):
            raise ConfigError(f"--what-if {section}.{key}: expected true or false, got {text!r}")
        return text.lower() == "true"
    if typ in (int, float):
        try:
            return typ(text)
        except ValueError:
            raise ConfigError(
                f"--what-if {section}.{key}: expected a number, got {text!r}"
            ) from None
    return text


def parse_changes(items: list[str]) -> dict[str, dict[str, Any]]:
    """["gamma=0.01", "risk.inventory_hard=8"] -> {"quote": {"gamma": 0.01}, "risk": {...}}."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise ConfigError(f"--what-if {item!r}: expected key=value, e.g. gamma=0.01")
        section, _, key = name.rpartition(".")
        section = section or "quote"
        if section not in SECTIONS:
            raise ConfigError(
                f"--what-if {item!r}: unknown section [{section}]; known: {', '.join(SECTIONS)}"
            )
        known = {f.name for f in fields(SECTIONS[section])}
        if key not in known:
            known_keys = ", ".join(sorted(known))
            raise ConfigError(
                f"--what-if {item!r}: unknown key [{section}] {key}; known: {known_keys}"
            )
        out.setdefault(section, {})[key] = _typed(section, key, text)
    return out


def apply_changes(settings: Settings, changes: dict[str, dict[str, Any]]) -> Settings:
    for section, kv in changes.items():
        settings = settings.replace(section, **kv)
    return settings


class WhatIf:
    def __init__(
        self,
        settings: Settings,
        changes: dict[str, dict[str, Any]],
        instrument: Instrument,
        start_ns: int,
    ) -> None:
        self.settings = apply_changes(settings, changes)
        self.overridden = {(s, k) for s, kv in changes.items() for k in kv}
        self.clock = EventClock(start_ns)
        self.engine = Engine(self.settings, instrument, self.clock, prefix="whatif")
        fees = FeeSchedule(self.settings.fees.maker, self.settings.fees.taker)
        wallet = paper_wallet(self.settings.paper, instrument)
        self.exchange = PaperExchange(instrument, fees, self.clock, wallet=wallet)
        self.driver = Driver(self.engine, self.exchange, self.clock)

    def market(self, ev: MarketEvent) -> None:
        self.driver.market(ev)

    def command(self, cmd: Command) -> None:
        if cmd.kind in SKIPPED:
            return
        if cmd.kind is CommandKind.SET_PARAM and TUNABLE.get(cmd.name) in self.overridden:
            return
        self.clock.advance_to(cmd.ts)
        self.driver.command(cmd)
