"""The end node: completes the recipient with the node's result label."""

from __future__ import annotations

from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.steps import Finish, Step


class EndHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        return Finish(ctx.node.result)
