"""The engine skips only the decisions that provably change nothing."""

from asconsole.domain import Command, CommandKind, OrderAck, PlaceOrder
from tests.kit.builders import rig


def test_ack_of_an_order_just_placed_needs_no_decision():
    r = rig(seed=7)
    r.run_for(120)
    r.driver.command(Command(CommandKind.PAUSE))
    places = [a for a in r.engine.on_command(Command(CommandKind.RESUME)) if isinstance(a, PlaceOrder)]
    assert len(places) == 2
    journal: list[str] = []
    r.engine.journal = lambda ts, kind, payload: journal.append(kind)
    decided: list[int] = []
    inner = r.engine._decide
    r.engine._decide = lambda now: decided.append(now) or inner(now)  # type: ignore[method-assign]
    for a in places:
        (ack,) = r.exchange.submit(a)
        assert isinstance(ack, OrderAck)
        assert r.engine.on_exec(ack) == []
    assert decided == [] and journal == []
    # What the skipped decisions would have done: nothing.
    assert inner(r.clock.now()) == [] and journal == []


def test_ack_after_anything_else_is_decided_on():
    r = rig(seed=7)
    r.run_for(120)
    r.driver.command(Command(CommandKind.PAUSE))
    places = [a for a in r.engine.on_command(Command(CommandKind.RESUME)) if isinstance(a, PlaceOrder)]
    decided: list[int] = []
    inner = r.engine._decide
    r.engine._decide = lambda now: decided.append(now) or inner(now)  # type: ignore[method-assign]
    r.engine.on_timer()  # another input between the placing decision and the acks
    (ack,) = r.exchange.submit(places[0])
    r.engine.on_exec(ack)
    assert len(decided) == 2
