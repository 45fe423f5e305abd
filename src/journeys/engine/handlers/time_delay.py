"""The time delay node: parks the recipient for a fixed duration."""

from __future__ import annotations

from datetime import timedelta

from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.steps import Park, Step

_UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}


class TimeDelayHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        node = ctx.node
        amount = f"{node.amount:g} {node.unit}"
        until = ctx.now + timedelta(seconds=node.amount * _UNIT_SECONDS[node.unit])
        return Park(until=until, reason=f"time delay of {amount}")
