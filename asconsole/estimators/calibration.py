"""Live calibration: sigma, A and kappa from the market, with warm-up and parameter guards.

The engine feeds it per event and reads the values in use:

    cal = Calibration.from_settings(settings.quote)
    cal.on_book(ts_ns, best_bid, best_ask)          # every book change, dollars
    cal.on_trade(ts_ns, price, qty, mid_before)     # every public trade, dollars / base units
    cal.refit(ts_ns)                                # as often as you like; fits every refit_s
    if cal.ready: quote with cal.sigma, cal.A, cal.kappa
    cal.status(ts_ns)                               # for the UI and the recording (~10 Hz)

Until `ready`, sigma, A and kappa hold the configured values (quote.sigma, quote.arrival_rate,
quote.kappa_value) and `status().progress` says what is still being collected, e.g.
"calibrating sigma (12/60)". Sources: sigma always from the mid; A and kappa per
`kappa_source`: "fixed" (configured), "trades" (fit of trade depths), "book" (kappa from the
touch, A configured). Guards: a new value that is not finite or outside its configured bounds
(or a fit with R^2 below min_fit_r2) is not used; the last good value stays and `warning` says
why, until a good value replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite, nan

from asconsole.config import QuoteSettings
from asconsole.estimators.book_kappa import BookKappa
from asconsole.estimators.intensity import IntensityFit, TradeIntensity
from asconsole.estimators.volatility import EwmaVolatility, annualised_pct

NS_PER_S = 1_000_000_000
KAPPA_SOURCES = ("fixed", "trades", "book")

CalibrationState = tuple[float, int, float, float, int, "IntensityFit | None", int, float, float, int,
                         int, float, str, str]
"""What `Calibration.state` captures: sigma, sigma_ts, A, kappa, kappa_ts, fit, mid samples,
sigma estimate, last mid, trades received, book updates, book kappa, the two warnings."""


@dataclass(frozen=True, slots=True)
class CalibrationStatus:
    """Everything the quotes pane and the recording show about the parameters."""

    ready: bool
    progress: str
    """"" when ready, else e.g. "calibrating sigma (12/60)"."""
    collected: int
    needed: int
    sigma: float
    """In use, $/sqrt(s)."""
    sigma_annual_pct: float
    sigma_estimate: float
    """The estimator's latest value, even during warm-up or when the guard rejected it."""
    sigma_age_s: float
    """Seconds since the sigma in use was measured; nan while it is the configured one."""
    A: float
    kappa: float
    kappa_source: str
    kappa_age_s: float
    """Seconds since the A and kappa in use were measured; nan when configured."""
    fit: IntensityFit | None
    """The latest trade fit (accepted or not), for display next to the values in use."""
    kappa_book: float
    warning: str


class Calibration:
    __slots__ = (
        "vol", "intensity", "book", "kappa_source", "sigma", "A", "kappa", "sigma_ts",
        "kappa_ts", "fit", "_sigma_bounds", "_kappa_bounds", "_A_bounds", "_min_r2",
        "_min_mid_samples", "_min_trades", "_refit_ns", "_last_refit", "_sigma_warning",
        "_kappa_warning",
    )

    def __init__(
        self,
        *,
        sigma: float,
        A: float,
        kappa: float,
        kappa_source: str = "trades",
        vol: EwmaVolatility | None = None,
        intensity: TradeIntensity | None = None,
        book: BookKappa | None = None,
        sigma_bounds: tuple[float, float] = (0.01, 1000.0),
        kappa_bounds: tuple[float, float] = (1e-3, 1e3),
        A_bounds: tuple[float, float] = (1e-4, 1e4),
        min_r2: float = 0.5,
        min_mid_samples: int = 60,
        min_trades: int = 100,
        refit_s: float = 5.0,
    ) -> None:
        if kappa_source not in KAPPA_SOURCES:
            raise ValueError(f"kappa_source {kappa_source!r} not in {KAPPA_SOURCES}")
        self.vol = vol or EwmaVolatility()
        self.intensity = intensity or TradeIntensity()
        self.book = book or BookKappa()
        self.kappa_source = kappa_source
        self.sigma = sigma
        """In use, $/sqrt(s): configured until the estimator is warm, then the last good one."""
        self.A = A
        self.kappa = kappa
        self.sigma_ts = -1
        """When the sigma in use was measured (ns); -1 while configured."""
        self.kappa_ts = -1
        self.fit: IntensityFit | None = None
        self._sigma_bounds = sigma_bounds
        self._kappa_bounds = kappa_bounds
        self._A_bounds = A_bounds
        self._min_r2 = min_r2
        self._min_mid_samples = min_mid_samples
        self._min_trades = min_trades
        self._refit_ns = int(refit_s * NS_PER_S)
        self._last_refit = -1
        self._sigma_warning = ""
        self._kappa_warning = ""

    @classmethod
    def from_settings(cls, q: QuoteSettings) -> Calibration:
        return cls(
            sigma=q.sigma,
            A=q.arrival_rate,
            kappa=q.kappa_value,
            kappa_source=q.kappa_source,
            vol=EwmaVolatility(q.vol_half_life_s, q.vol_sample_s),
            intensity=TradeIntensity(q.calibration_window_s, q.depth_bin_dollar, q.depth_bins),
            book=BookKappa(q.vol_half_life_s),
            sigma_bounds=(q.sigma_min, q.sigma_max),
            kappa_bounds=(q.kappa_min, q.kappa_max),
            A_bounds=(q.arrival_rate_min, q.arrival_rate_max),
            min_r2=q.min_fit_r2,
            min_mid_samples=q.min_mid_samples,
            min_trades=q.min_trades,
            refit_s=q.refit_s,
        )

    # --- per event ------------------------------------------------------------------------

    def on_book(self, ts_ns: int, best_bid: float, best_ask: float) -> None:
        """The touch changed (or any book event; unchanged touches are harmless)."""
        self.intensity.start(ts_ns)
        self.book.on_touch(ts_ns, best_bid, best_ask)
        if self.vol.on_mid(ts_ns, 0.5 * (best_bid + best_ask)):
            if self.vol.samples >= self._min_mid_samples:
                self._take_sigma(ts_ns, self.vol.sigma)
            if self.kappa_source == "book" and self.book.updates >= self._min_mid_samples:
                self._take_kappa(ts_ns, self.A, self.book.kappa, "book kappa")

    def on_trade(self, ts_ns: int, price: float, qty: float, mid_before: float) -> None:
        self.intensity.on_trade(ts_ns, price, qty, mid_before)

    def refit(self, ts_ns: int) -> bool:
        """Fit A and kappa to the trade window if refit_s has passed; True when it fitted."""
        if self._last_refit >= 0 and ts_ns - self._last_refit < self._refit_ns:
            return False
        self._last_refit = ts_ns
        if self.intensity.received < self._min_trades:
            return False
        fit, why = self.intensity.fit(ts_ns)
        if self.kappa_source != "trades":
            self.fit = fit
            return fit is not None
        if fit is None:
            self._kappa_warning = f"A/kappa fit failed: {why}"
            return False
        self.fit = fit
        if fit.n_trades < self._min_trades:
            self._kappa_warning = (
                f"A/kappa fit skipped: {fit.n_trades} trades in the window, need "
                f"{self._min_trades}"
            )
            return False
        if fit.r2 < self._min_r2:
            self._kappa_warning = (
                f"A/kappa fit rejected: R^2 {fit.r2:.2f} below {self._min_r2:g}; "
                f"kept kappa {self.kappa:.4g}/$, A {self.A:.4g}/s"
            )
            return False
        self._take_kappa(ts_ns, fit.A, fit.kappa, "A/kappa fit")
        if why and not self._kappa_warning:
            self._kappa_warning = why
        return True

    # --- guards ---------------------------------------------------------------------------

    def _take_sigma(self, ts_ns: int, sigma: float) -> None:
        lo, hi = self._sigma_bounds
        if isfinite(sigma) and lo <= sigma <= hi:
            self.sigma = sigma
            self.sigma_ts = ts_ns
            self._sigma_warning = ""
        else:
            self._sigma_warning = (
                f"sigma {sigma:.4g} $/sqrt(s) outside [{lo:g}, {hi:g}]; kept {self.sigma:.4g}"
            )

    def _take_kappa(self, ts_ns: int, A: float, kappa: float, what: str) -> None:
        klo, khi = self._kappa_bounds
        alo, ahi = self._A_bounds
        if not (isfinite(kappa) and klo <= kappa <= khi):
            self._kappa_warning = (
                f"{what} rejected: kappa {kappa:.4g}/$ outside [{klo:g}, {khi:g}]; "
                f"kept {self.kappa:.4g}"
            )
        elif not (isfinite(A) and alo <= A <= ahi):
            self._kappa_warning = (
                f"{what} rejected: A {A:.4g}/s outside [{alo:g}, {ahi:g}]; kept {self.A:.4g}"
            )
        else:
            self.A = A
            self.kappa = kappa
            self.kappa_ts = ts_ns
            self._kappa_warning = ""

    # --- reading --------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Both sigma and (unless fixed) A and kappa have been measured at least once."""
        return self.sigma_ts >= 0 and (self.kappa_source == "fixed" or self.kappa_ts >= 0)

    @property
    def warning(self) -> str:
        return "; ".join(w for w in (self._sigma_warning, self._kappa_warning) if w)

    def _progress(self, state: CalibrationState) -> tuple[str, int, int]:
        sigma_ts, kappa_ts = state[1], state[4]
        parts = [("sigma", state[6], self._min_mid_samples, sigma_ts >= 0)]
        if self.kappa_source == "trades":
            parts.append(("trades", state[9], self._min_trades, kappa_ts >= 0))
        elif self.kappa_source == "book":
            parts.append(("book", state[10], self._min_mid_samples, kappa_ts >= 0))
        waiting = [p for p in parts if not p[3]]
        if not waiting:
            return "", 1, 1
        name, n, need, _ = min(waiting, key=lambda p: p[1] / p[2])
        if n < need:
            return f"calibrating {name} ({n}/{need})", n, need
        return f"calibrating {name} ({need}/{need}): waiting for a value within bounds", need, need

    def state(self) -> CalibrationState:
        """The values `status` reads, captured now: the engine keeps this per decision and
        builds the status only when the UI asks (decisions run far more often)."""
        return (self.sigma, self.sigma_ts, self.A, self.kappa, self.kappa_ts, self.fit,
                self.vol.samples, self.vol.sigma, self.vol.last_mid, self.intensity.received,
                self.book.updates, self.book.kappa, self._sigma_warning, self._kappa_warning)

    def status(self, ts_ns: int, state: CalibrationState | None = None) -> CalibrationStatus:
        """What the calibration shows at `ts_ns`; of a captured `state` when given."""
        st = state or self.state()
        sigma, sigma_ts, A, kappa, kappa_ts, fit = st[:6]
        progress, collected, needed = self._progress(st)
        return CalibrationStatus(
            ready=sigma_ts >= 0 and (self.kappa_source == "fixed" or kappa_ts >= 0),
            progress=progress,
            collected=collected,
            needed=needed,
            sigma=sigma,
            sigma_annual_pct=annualised_pct(sigma, st[8]),
            sigma_estimate=st[7],
            sigma_age_s=(ts_ns - sigma_ts) / NS_PER_S if sigma_ts >= 0 else nan,
            A=A,
            kappa=kappa,
            kappa_source=self.kappa_source,
            kappa_age_s=(ts_ns - kappa_ts) / NS_PER_S if kappa_ts >= 0 else nan,
            fit=fit,
            kappa_book=st[11],
            warning="; ".join(w for w in st[12:] if w),
        )
