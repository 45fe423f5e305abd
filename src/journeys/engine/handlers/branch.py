"""The branch node: the first case whose condition is true picks the next node."""

from __future__ import annotations

from journeys.domain.conditions import evaluate
from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.steps import GoTo, Step

DEFAULT_LABEL = "default"


class BranchHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        scope = ctx.scope()
        for case in ctx.node.cases:
            if evaluate(case.when, scope):
                return self._take(ctx, case.label, case.next)
        return self._take(ctx, DEFAULT_LABEL, ctx.node.default)

    def _take(self, ctx: NodeContext, label: str, target: str | None) -> Step:
        ctx.emit("branch_taken", label)
        return GoTo(target, outputs={"taken": label})
