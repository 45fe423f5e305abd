"""The wait-until node: parks the recipient until a date, a field's date or a window."""

from __future__ import annotations

from journeys.domain.waits import wait_until_target
from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.scope import recipient_zone
from journeys.engine.steps import Fail, GoTo, Park, Step


class WaitUntilHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        target = wait_until_target(
            ctx.node,
            data=ctx.state.data,
            zone=recipient_zone(ctx.state, ctx.settings),
            window_zones=ctx.state.timezones,
            now=ctx.now,
        )
        if target.failure is not None:
            return Fail(target.failure)
        if target.at is None or target.at <= ctx.now:
            return GoTo(ctx.node.next)
        return Park(until=target.at, reason=target.reason)
