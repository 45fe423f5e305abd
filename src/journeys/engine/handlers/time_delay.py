"""The time delay node: parks the recipient for a fixed duration."""

from __future__ import annotations

from journeys.domain.durations import delay_duration
from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.steps import Fail, Park, Step


class TimeDelayHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        node = ctx.node
        amount = f"{node.amount:g} {node.unit}"

        # Validation rejects these delays, but a journey saved before the maximum
        # existed may still hold one: fail the recipient with the reason instead.
        try:
            until = ctx.now + delay_duration(node.amount, node.unit)
        except (ValueError, OverflowError) as exc:
            return Fail(f"time delay node '{node.id}': {exc}")
        return Park(until=until, reason=f"time delay of {amount}")
