"""Start-up checks on the Bybit account: key permissions, isolated margin, leverage, DCP.

Each is checked, not assumed: a setting Bybit did not take stops the start with a VenueError
that says what to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from asconsole.venues.base import VenueError
from asconsole.venues.bybit.messages import Reply
from asconsole.venues.bybit.rest import RestClient

log = logging.getLogger(__name__)

LEVERAGE_NOT_MODIFIED = 110043


def checked(reply: Reply, doing: str) -> Reply:
    if not reply.ok:
        raise VenueError(f"{doing}: {reply.explain()}")
    return reply


@dataclass(frozen=True, slots=True)
class KeyPermissions:
    read_only: bool
    can_trade: bool
    can_withdraw: bool
    ips: tuple[str, ...]


async def check_permissions(rest: RestClient) -> KeyPermissions:
    """Refuse a read-only or non-trading key; warn loudly when it may withdraw funds (a
    trading bot's key never needs that)."""
    reply = checked(await rest.get("/v5/user/query-api"), "reading key permissions")
    perms: dict[str, list[str]] = reply.result.get("permissions") or {}
    read_only = int(reply.result.get("readOnly", 0)) == 1
    can_trade = "Order" in perms.get("ContractTrade", ()) or "DerivativesTrade" in perms.get(
        "Derivatives", ()
    )
    can_withdraw = "Withdraw" in perms.get("Wallet", ())
    ips = tuple(reply.result.get("ips") or ())
    if read_only or not can_trade:
        raise VenueError(
            "Bybit API key cannot trade USDT perpetuals: enable Contract/Derivatives "
            "'Orders' and 'Positions' (read-write) for this key"
        )
    if can_withdraw:
        log.warning(
            "!!! Bybit API key ALLOWS WITHDRAWALS. A trading key never needs that: create a "
            "key without the Wallet 'Withdraw' permission and bind it to this IP. !!!"
        )
    return KeyPermissions(read_only, can_trade, can_withdraw, ips)


async def ensure_isolated_margin(rest: RestClient) -> None:
    """Unified accounts set the margin mode account-wide: switch only when needed, then read
    it back."""
    info = checked(await rest.get("/v5/account/info"), "reading margin mode")
    if info.result.get("marginMode") == "ISOLATED_MARGIN":
        return
    checked(
        await rest.post("/v5/account/set-margin-mode", {"setMarginMode": "ISOLATED_MARGIN"}),
        "switching the account to isolated margin",
    )
    info = checked(await rest.get("/v5/account/info"), "reading margin mode")
    if info.result.get("marginMode") != "ISOLATED_MARGIN":
        raise VenueError("Bybit account is not in isolated margin after switching to it")


async def set_leverage(rest: RestClient, symbol: str, leverage: float) -> None:
    lev = f"{leverage:g}"
    reply = await rest.post(
        "/v5/position/set-leverage",
        {"category": "linear", "symbol": symbol, "buyLeverage": lev, "sellLeverage": lev},
    )
    if not reply.ok and reply.code != LEVERAGE_NOT_MODIFIED:
        raise VenueError(f"setting leverage {lev}x on {symbol}: {reply.explain()}")


async def enable_dcp(rest: RestClient, window_s: int) -> bool:
    """Disconnection protection for derivatives. Bybit enables it per account on request, so
    a refusal is a loud warning, not a stop."""
    reply = await rest.post(
        "/v5/order/disconnected-cancel-all", {"product": "DERIVATIVES", "timeWindow": window_s}
    )
    if not reply.ok:
        log.warning(
            "!!! Bybit disconnection protection (DCP) NOT enabled: %s. Orders stay open if this "
            "machine loses its connection (ask Bybit to enable DCP for the account).",
            reply.explain(),
        )
    return reply.ok


@dataclass(frozen=True, slots=True)
class FeeRates:
    maker: float
    taker: float
    """Fractions of notional (0.0002 = 0.02 %); negative = rebate."""


async def fee_rates(rest: RestClient, symbol: str) -> FeeRates | None:
    """The account's live fee rates for the symbol (they depend on the VIP level); None when
    Bybit does not say, and the configured [fees] stay in force."""
    reply = await rest.get("/v5/account/fee-rate", {"category": "linear", "symbol": symbol})
    rows = reply.result.get("list") or [] if reply.ok else []
    if not rows:
        log.warning(
            "Bybit fee rates not available (%s): using [fees] from the config", reply.explain()
        )
        return None
    return FeeRates(float(rows[0]["makerFeeRate"]), float(rows[0]["takerFeeRate"]))
