"""The handler protocol and the behaviour most node types share."""

from __future__ import annotations

from typing import Any

from journeys.engine.context import NodeContext
from journeys.engine.steps import GoTo, Step


class NodeHandler:
    """Moves a recipient through one type of node."""

    def enter(self, ctx: NodeContext) -> Step:
        raise NotImplementedError

    def resume(self, ctx: NodeContext) -> Step:
        # A node that parks the recipient continues to its `next` once the wait is over.
        return GoTo(ctx.node.next)

    def on_result(self, ctx: NodeContext, outcome: str, result: dict[str, Any]) -> Step:
        raise NotImplementedError(f"node type {ctx.node.type!r} queues no actions")
