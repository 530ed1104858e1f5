"""Typed settings: one frozen dataclass per section, a default for every key.

Sources, later ones winning: built-in defaults, the TOML file (`--config PATH`, else
`$XDG_CONFIG_HOME/asconsole/config.toml`), CLI flags. Every key is declared once with
`setting(...)`, which carries its documentation, bounds and secrecy, so validation,
`config show` (secrets masked) and `config init` (commented file) all come from one place.
A bad value raises `ConfigError` with the file, the key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

import tomli_w

from asconsole.setting import setting
from asconsole.venues.bybit.config import BybitSettings
from asconsole.venues.mexc.config import MexcSettings


class ConfigError(ValueError):
    """One line for the operator: where, which key, what is allowed."""


@dataclass(frozen=True, slots=True)
class MarketSettings:
    venue: str = setting("sim", "where market data comes from", choices=("sim", "bybit", "mexc"))
    symbol: str = setting("BTCUSDT", "instrument symbol on the venue")
    futures: bool = setting(True, "linear perpetual (true) or spot (false)")
    leverage: float = setting(10.0, "futures leverage (isolated margin)", lo=1, hi=100)
    live: bool = setting(False, "start in live mode (needs a real venue and keys); default paper")
    regime: str = setting(
        "calm",
        "simulated market regime",
        choices=("calm", "trending", "volatile", "flash_crash", "informed"),
    )
    seed: int = setting(7, "random seed of the simulated market", lo=0)
    start_price: float = setting(100_000.0, "simulated market start price, dollars", lo=1)
    sim_sigma: float = setting(
        8.0, "simulated market volatility, dollars per sqrt(second)", lo=0, hi=1000
    )


@dataclass(frozen=True, slots=True)
class QuoteSettings:
    model: str = setting("glft", "quote model", choices=("glft", "as"))
    gamma: float = setting(0.005, "risk aversion, 1/$ per order of inventory", lo=1e-9, hi=100)
    xi: float = setting(0.0, "GLFT xi (0 = use gamma, the usual choice)", lo=0, hi=100)
    order_size: float = setting(0.001, "order size in base currency (BTC)", lo=1e-8, hi=1000)
    horizon_s: float = setting(86_400.0, "A-S session length T in seconds; rolls over", lo=1)
    sigma: float = setting(8.0, "volatility before calibration, dollars per sqrt(second)", lo=0)
    kappa_source: str = setting(
        "trades",
        "where kappa and A come from: fixed (kappa_value, arrival_rate), trades (fitted to market"
        " trades), book (kappa from the half spread at the touch, A = arrival_rate)",
        choices=("fixed", "trades", "book"),
    )
    warmup: str = setting(
        "configured",
        "while calibrating: quote with the configured sigma, A and kappa (configured) or not "
        "at all (wait)",
        choices=("configured", "wait"),
    )
    kappa_value: float = setting(0.5, "order-arrival decay kappa, per dollar", lo=1e-6, hi=1e4)
    arrival_rate: float = setting(
        20.0, "order-arrival intensity A, per second per side", lo=1e-6, hi=1e6
    )
    min_spread_dollar: float = setting(5.0, "smallest quoted spread, dollars", lo=5, hi=500)
    max_spread_dollar: float = setting(100.0, "largest quoted spread, dollars", lo=5, hi=500)
    fee_margin_dollar: float = setting(
        0.0, "added to the spread that covers both sides' maker fees, dollars", lo=0
    )
    requote_ticks: int = setting(
        50,
        "replace a working order only when the wanted price moves this many ticks (keeps the "
        "queue position and the venue's order-rate limits)",
        lo=1,
    )
    decision_ms: int = setting(
        100, "re-evaluate the quotes at most this often, milliseconds", lo=1, hi=60_000
    )
    min_spread_mode: str = setting(
        "maker",
        "fee floor of the spread: maker = 2 x maker fee x mid; maker_taker = (maker + taker)"
        " x mid (the seed's conservative choice); plus fee_margin_dollar",
        choices=("maker", "maker_taker"),
    )
    vol_half_life_s: float = setting(
        300.0, "half-life of the volatility EWMA (and of the book kappa), seconds", lo=1, hi=86_400
    )
    vol_sample_s: float = setting(
        1.0, "sample the mid for volatility at most this often, seconds (0 = every change)",
        lo=0, hi=60,
    )
    min_mid_samples: int = setting(
        60, "mid samples before sigma (and the book kappa) count as calibrated", lo=2
    )
    sigma_min: float = setting(
        0.01, "smallest sigma accepted from the estimator, dollars per sqrt(second)", lo=0
    )
    sigma_max: float = setting(
        1000.0, "largest sigma accepted from the estimator, dollars per sqrt(second)", lo=0
    )
    calibration_window_s: float = setting(
        600.0, "rolling window of trades for the A and kappa fit, seconds", lo=10, hi=86_400
    )
    refit_s: float = setting(5.0, "refit A and kappa this often, seconds", lo=0.1, hi=3600)
    min_trades: int = setting(100, "trades in the window before A and kappa are fitted", lo=10)
    depth_bin_dollar: float = setting(
        0.5, "width of the depth bins of the A and kappa fit, dollars", lo=1e-6
    )
    depth_bins: int = setting(40, "number of depth bins of the A and kappa fit", lo=3, hi=100_000)
    min_fit_r2: float = setting(
        0.5, "an A and kappa fit with a smaller R^2 is rejected (last good values kept)",
        lo=0, hi=1,
    )
    kappa_min: float = setting(1e-3, "smallest kappa accepted from a fit, per dollar", lo=0)
    kappa_max: float = setting(1e3, "largest kappa accepted from a fit, per dollar", lo=0)
    arrival_rate_min: float = setting(1e-4, "smallest A accepted from a fit, per second", lo=0)
    arrival_rate_max: float = setting(1e4, "largest A accepted from a fit, per second", lo=0)


@dataclass(frozen=True, slots=True)
class FeeSettings:
    maker: float = setting(0.0002, "maker fee rate (0.0002 = 0.02%); negative = rebate", lo=-0.01, hi=0.01)
    taker: float = setting(0.00055, "taker fee rate", lo=-0.01, hi=0.01)


@dataclass(frozen=True, slots=True)
class RiskSettings:
    inventory_soft: float = setting(3.0, "soft inventory limit, in order sizes", lo=1, hi=1000)
    inventory_hard: float = setting(5.0, "hard inventory limit, in order sizes", lo=1, hi=1000)
    stale_data_s: float = setting(
        2.0,
        "pull quotes after this long without market data, seconds (the seed's 15 s is an age on a "
        "BTCUSDT book that updates every 20-100 ms)",
        lo=0.1,
    )
    max_loss_dollar: float = setting(
        0.0, "loss from session start that trips the kill switch (0 = off)", lo=0
    )
    flatten_order: str = setting(
        "market", "kill switch order type: market, or limit IOC capped in slippage", choices=("market", "ioc")
    )
    flatten_slippage_bps: float = setting(
        50.0, "price cap of reduce-only IOC orders, basis points from the touch", lo=0, hi=1000
    )
    flatten_attempts: int = setting(
        5, "kill switch: close orders sent before it gives up with an error", lo=1, hi=100
    )
    flatten_cancel_wait_s: float = setting(
        2.0, "kill switch: wait this long for the cancels to be confirmed before closing anyway",
        lo=0, hi=60,
    )
    tick_filter: bool = setting(True, "reject outlier book mids and trade prices")
    tick_max_sigmas: float = setting(
        10.0, "tick filter: a move beyond this many sigma x sqrt(seconds since the last mid)"
        " is an outlier (and beyond tick_min_move_bps)", lo=1, hi=1000,
    )
    tick_min_move_bps: float = setting(
        20.0, "tick filter: moves up to this many basis points are never outliers", lo=0.1, hi=5000
    )
    tick_confirm: int = setting(
        3, "tick filter: this many consecutive outliers that agree are a real move (re-anchor)",
        lo=1, hi=1000,
    )
    imbalance_fills: int = setting(
        6, "fill imbalance: this many consecutive fills on one side start a cooldown; the"
        " default is a full swing between the soft limits at 3 orders (0 = off)", lo=0, hi=1000,
    )
    imbalance_window_s: float = setting(
        30.0, "fill imbalance: the consecutive fills must fall within this many seconds", lo=0.1
    )
    imbalance_cooldown_s: float = setting(
        20.0, "fill imbalance: the side is not quoted for this many seconds", lo=0
    )
    displacement_bps: float = setting(
        15.0, "displacement: a mid range above this (basis points) within the window widens"
        " spreads (0 = off)", lo=0, hi=10_000,
    )
    displacement_window_s: float = setting(
        10.0, "displacement: the window of the mid range, seconds", lo=0.1, hi=3600
    )
    displacement_widen: float = setting(
        2.0, "displacement: half-spread factor while the market moves", lo=1, hi=100
    )
    displacement_pull_bps: float = setting(
        50.0, "displacement: a range above this pulls the quotes (0 = never pull)", lo=0, hi=10_000
    )
    asym_widen_per_order: float = setting(
        0.2, "asymmetric spreads: the adding side's half spread grows this much per order of"
        " inventory (0 = off)", lo=0, hi=100,
    )
    asym_max_widen: float = setting(
        2.0, "asymmetric spreads: largest factor on the adding side", lo=1, hi=100
    )
    regime_filter: bool = setting(True, "regime filter on Wilder's ADX of the mid")
    regime_bar_s: float = setting(5.0, "regime filter: bar length, seconds", lo=0.1, hi=86_400)
    regime_period: int = setting(
        30, "regime filter: ADX period, bars (Wilder's 14 reads a random walk as trending"
        " above 30 a fifth of the time; 30 bars, 3%)", lo=2, hi=1000,
    )
    regime_widen_adx: float = setting(
        25.0, "regime filter: ADX above this widens the spreads", lo=0, hi=100
    )
    regime_pull_adx: float = setting(
        30.0, "regime filter: ADX above this pulls the quotes", lo=0, hi=100
    )
    regime_widen: float = setting(
        1.5, "regime filter: half-spread factor between the two ADX thresholds", lo=1, hi=100
    )
    liquidation_threshold: float = setting(
        0.2, "futures: act when the mark has less than this share of the entry-to-liquidation"
        " distance left (stop adding below twice it)", lo=0.01, hi=0.5,
    )
    maintenance_margin: float = setting(
        0.005, "futures: maintenance margin rate for the estimated liquidation price"
        " (the venue's liquidation price wins when it reports one)", lo=0, hi=0.5,
    )
    liquidation_reduce: float = setting(
        0.5, "futures: share of the position reduced when liquidation protection trips"
        " (all of it below half the threshold)", lo=0.05, hi=1,
    )


@dataclass(frozen=True, slots=True)
class PaperSettings:
    entry_latency_ms: float = setting(
        20.0, "paper venue: delay before a new order reaches the book, milliseconds", lo=0, hi=10_000
    )
    amend_latency_ms: float = setting(20.0, "paper venue: delay of an amend, milliseconds", lo=0, hi=10_000)
    cancel_latency_ms: float = setting(
        20.0, "paper venue: delay of a cancel (an order can fill meanwhile), milliseconds",
        lo=0, hi=10_000,
    )
    latency_jitter_ms: float = setting(
        10.0, "paper venue: each request waits a seeded uniform 0..jitter more, milliseconds",
        lo=0, hi=10_000,
    )
    queue_cancels: str = setting(
        "pro_rata",
        "paper venue: cancels at an order's price leave the queue ahead of it pro rata, all from"
        " the front (ahead_first, optimistic) or all from the back (behind_first, pessimistic)",
        choices=("pro_rata", "ahead_first", "behind_first"),
    )
    spot_base: float = setting(
        0.01, "paper venue, spot instruments: starting base balance (e.g. BTC); a sell beyond the"
        " free base is refused", lo=0,
    )
    spot_quote: float = setting(
        1000.0, "paper venue, spot instruments: starting quote balance (e.g. USDT); a buy beyond"
        " the free quote is refused", lo=0,
    )


@dataclass(frozen=True, slots=True)
class UISettings:
    refresh_hz: float = setting(10.0, "snapshot rate to the console", lo=1, hi=30)
    theme: str = setting(
        "dark", "colour theme name: a file in themes/ or $XDG_CONFIG_HOME/asconsole/themes/"
    )
    gamma_min: float = setting(1e-4, "smallest gamma the console's - key reaches", lo=1e-9, hi=100)
    gamma_max: float = setting(0.1, "largest gamma the console's + key reaches", lo=1e-9, hi=100)
    gamma_step: float = setting(1.25, "factor the + and - keys multiply gamma by", lo=1.01, hi=10)
    order_size_min: float = setting(
        0.001, "smallest order size the console's [ key reaches, BTC", lo=1e-8, hi=1000
    )
    order_size_max: float = setting(
        0.01, "largest order size the console's ] key reaches, BTC", lo=1e-8, hi=1000
    )
    order_size_step: float = setting(
        0.001, "BTC the ] and [ keys add to or take from the order size", lo=1e-8, hi=1000
    )
    keymap: str = setting(
        "",
        "remap console keys by binding id, e.g. 'flatten=F;pause=space,p' (ids: pause, flatten,"
        " live, quit, gamma_up, gamma_down, size_up, size_down, theme, help)",
    )


@dataclass(frozen=True, slots=True)
class RecordingSettings:
    enabled: bool = setting(True, "record every run under dir")
    dir: str = setting("sessions", "where session recordings go")
    flush_s: float = setting(1.0, "flush the recording at least this often, seconds", lo=0.05, hi=1)
    compress: bool = setting(
        False, "gzip the event log in segments (events-NNNN.jsonl.gz, about 5x smaller)"
    )


@dataclass(frozen=True, slots=True)
class ControlSettings:
    socket: str = setting("", "control socket of a headless engine ('' = $XDG_RUNTIME_DIR/asconsole.sock)")
    on_detach: str = setting(
        "keep",
        "when the last console detaches (or SSH drops): keep trading, pause (cancel orders, keep "
        "the position) or flatten",
        choices=("keep", "pause", "flatten"),
    )


@dataclass(frozen=True, slots=True)
class Settings:
    market: MarketSettings = field(default_factory=MarketSettings)
    quote: QuoteSettings = field(default_factory=QuoteSettings)
    fees: FeeSettings = field(default_factory=FeeSettings)
    risk: RiskSettings = field(default_factory=RiskSettings)
    paper: PaperSettings = field(default_factory=PaperSettings)
    ui: UISettings = field(default_factory=UISettings)
    recording: RecordingSettings = field(default_factory=RecordingSettings)
    control: ControlSettings = field(default_factory=ControlSettings)
    bybit: BybitSettings = field(default_factory=BybitSettings)
    mexc: MexcSettings = field(default_factory=MexcSettings)

    def replace(self, section: str, **changes: Any) -> Settings:
        """A copy with keys of one section changed (validated)."""
        current = getattr(self, section)
        merged = {f.name: getattr(current, f.name) for f in fields(current)} | changes
        return dataclasses.replace(self, **{section: _build(type(current), merged, "override", section)})


SECTIONS: dict[str, type] = {f.name: f.default_factory for f in fields(Settings)}  # type: ignore[misc]

# CLI flag -> (section, key); the seed's flags keep their names.
FLAG_KEYS: dict[str, tuple[str, str]] = {
    "venue": ("market", "venue"),
    "symbol": ("market", "symbol"),
    "futures": ("market", "futures"),
    "leverage": ("market", "leverage"),
    "live": ("market", "live"),
    "regime": ("market", "regime"),
    "seed": ("market", "seed"),
    "order_size": ("quote", "order_size"),
    "gamma": ("quote", "gamma"),
    "kappa_value": ("quote", "kappa_value"),
    "model": ("quote", "model"),
    "theme": ("ui", "theme"),
}


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "asconsole" / "config.toml"


def _check(cls: type, key: str, value: Any, where: str, section: str) -> Any:
    f = {f.name: f for f in fields(cls)}[key]
    typ = get_type_hints(cls)[key]
    meta = f.metadata
    name = f"[{section}] {key}"
    if typ is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {name} must be true or false, got {value!r}")
    elif typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {name} must be a whole number, got {value!r}")
    elif typ is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {name} must be a number, got {value!r}")
        value = float(value)
        if value != value:
            raise ConfigError(f"{where}: {name} must be a number, got nan")
    elif typ is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {name} must be a string, got {value!r}")
    lo, hi, choices = meta.get("lo"), meta.get("hi"), meta.get("choices")
    if choices and value not in choices:
        raise ConfigError(f"{where}: {name} = {value!r} is not one of {', '.join(choices)}")
    if lo is not None and value < lo or hi is not None and value > hi:
        bounds = f"from {lo:g}" + (f" to {hi:g}" if hi is not None else " up")
        raise ConfigError(f"{where}: {name} = {value!r} is out of range; allowed {bounds}")
    return value


def _build(cls: type, values: dict[str, Any], where: str, section: str) -> Any:
    known = {f.name for f in fields(cls)}
    values = _renamed(cls, values, where, section)
    for key in values:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key [{section}] {key}; known keys: {', '.join(sorted(known))}"
            )
    checked = {k: _check(cls, k, v, where, section) for k, v in values.items()}
    obj = cls(**checked)
    _cross_check(obj, where, section)
    return obj


def _renamed(cls: type, values: dict[str, Any], where: str, section: str) -> dict[str, Any]:
    """Old key names a section still accepts (its `RENAMED`: old -> new), so config files and
    the configuration recorded with every session stay readable after a rename."""
    renamed: dict[str, str] = getattr(cls, "RENAMED", {})
    if not renamed.keys() & values.keys():
        return values
    out = dict(values)
    for old, new in renamed.items():
        if old in out:
            if new in out:
                raise ConfigError(
                    f"{where}: [{section}] {old} is the old name of {new}; give only {new}"
                )
            out[new] = out.pop(old)
    return out


def _cross_check(obj: Any, where: str, section: str) -> None:
    if isinstance(obj, UISettings):
        for lo_key, hi_key in (("gamma_min", "gamma_max"), ("order_size_min", "order_size_max")):
            lo, hi = getattr(obj, lo_key), getattr(obj, hi_key)
            if lo > hi:
                raise ConfigError(
                    f"{where}: [{section}] {lo_key} ({lo:g}) must not exceed {hi_key} ({hi:g})"
                )
    problem = obj.cross_check() if hasattr(obj, "cross_check") else ""
    if problem:
        raise ConfigError(f"{where}: [{section}] {problem}")
    if isinstance(obj, QuoteSettings) and obj.min_spread_dollar > obj.max_spread_dollar:
        raise ConfigError(
            f"{where}: [{section}] min_spread_dollar ({obj.min_spread_dollar:g}) must not exceed "
            f"max_spread_dollar ({obj.max_spread_dollar:g})"
        )
    if isinstance(obj, QuoteSettings):
        for lo_key, hi_key in (
            ("sigma_min", "sigma_max"),
            ("kappa_min", "kappa_max"),
            ("arrival_rate_min", "arrival_rate_max"),
        ):
            lo, hi = getattr(obj, lo_key), getattr(obj, hi_key)
            if lo >= hi:
                raise ConfigError(
                    f"{where}: [{section}] {lo_key} ({lo:g}) must be below {hi_key} ({hi:g})"
                )
    if isinstance(obj, RiskSettings):
        for lo_key, hi_key in (
            ("inventory_soft", "inventory_hard"),
            ("regime_widen_adx", "regime_pull_adx"),
        ):
            lo, hi = getattr(obj, lo_key), getattr(obj, hi_key)
            if lo > hi:
                raise ConfigError(
                    f"{where}: [{section}] {lo_key} ({lo:g}) must not exceed {hi_key} ({hi:g})"
                )
        if 0 < obj.displacement_pull_bps <= obj.displacement_bps:
            raise ConfigError(
                f"{where}: [{section}] displacement_pull_bps ({obj.displacement_pull_bps:g}) must"
                f" exceed displacement_bps ({obj.displacement_bps:g}) or be 0"
            )


def from_mapping(data: dict[str, Any], where: str = "config") -> Settings:
    parts: dict[str, Any] = {}
    for section, values in data.items():
        if section not in SECTIONS:
            raise ConfigError(
                f"{where}: unknown section [{section}]; known sections: {', '.join(SECTIONS)}"
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [{section}] must be a table of keys")
        parts[section] = _build(SECTIONS[section], values, where, section)
    return Settings(**parts)


def load(path: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults, then the file (explicit path must exist), then flag overrides."""
    data: dict[str, Any] = {}
    file = path or default_path()
    if path is not None and not file.exists():
        raise ConfigError(f"{file}: no such config file")
    where = str(file)
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: cannot read: {exc}") from None
    for flag, value in (overrides or {}).items():
        if value is None:
            continue
        section, key = FLAG_KEYS[flag]
        data.setdefault(section, {})[key] = value
        where = f"{file} with command-line flags" if file.exists() else "command-line flags"
    return from_mapping(data, where)


def to_mapping(settings: Settings, *, mask_secrets: bool = True) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for sf in fields(settings):
        section = getattr(settings, sf.name)
        table = {}
        for f in fields(section):
            value = getattr(section, f.name)
            if f.metadata.get("secret") and mask_secrets and value:
                value = "***"
            table[f.name] = value
        out[sf.name] = table
    return out


def show(settings: Settings) -> str:
    return tomli_w.dumps(to_mapping(settings))


def init_text() -> str:
    """A default config file, every key with its documentation as a comment."""
    lines = ["# asconsole configuration. Every key is optional; these are the defaults.", ""]
    for sf in fields(Settings):
        cls = SECTIONS[sf.name]
        lines.append(f"[{sf.name}]")
        for f in fields(cls):
            meta = f.metadata
            allowed = ""
            if meta.get("choices"):
                allowed = f" ({' | '.join(meta['choices'])})"
            elif meta.get("lo") is not None or meta.get("hi") is not None:
                lo = meta.get("lo")
                hi = meta.get("hi")
                allowed = f" ({'' if lo is None else f'{lo:g}'}..{'' if hi is None else f'{hi:g}'})"
            lines.append(f"# {meta.get('doc', '')}{allowed}")
            lines.append(tomli_w.dumps({f.name: f.default}).strip())
        lines.append("")
    return "\n".join(lines)
