"""The start node: every recipient begins here and moves straight on."""

from __future__ import annotations

from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.steps import GoTo, Step


class StartHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        return GoTo(ctx.node.next)
