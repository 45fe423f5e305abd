"""The call node: queues one call per visit and branches on nothing itself.

The outputs (`nodes.<id>.outcome` and the rest) are written when the result
arrives, so that a later branch node can read them.
"""

from __future__ import annotations

from typing import Any

from journeys.domain.templates import TemplateRenderError, render
from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.state import NewAction
from journeys.engine.steps import Fail, GoTo, Park, Queue, Step
from journeys.engine.window import describe, window_wait


class CallHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        return self.resume(ctx)

    def resume(self, ctx: NodeContext) -> Step:
        decision = window_wait(ctx.settings, ctx.state.timezones, ctx.now)
        if decision is not None and decision.at > ctx.now:
            return Park(until=decision.at, reason=describe(decision))

        try:
            variables = self._variables(ctx)
            voicemail_message = self._voicemail_message(ctx)
        except TemplateRenderError as exc:
            return Fail(str(exc))

        node = ctx.node
        request = {
            "agent": node.agent,
            "variables": variables,
            "ring_timeout_seconds": node.ring_timeout_seconds,
            "max_duration_seconds": node.max_duration_seconds,
            "voicemail": node.voicemail,
            "voicemail_message": voicemail_message,
            "attempt": ctx.state.calls_placed + 1,
            "extension": ctx.state.phone_extension,
            "window_note": decision.note if decision else None,
        }
        return Queue(
            NewAction(
                recipient_id=ctx.state.id,
                run_id=ctx.state.run_id,
                node_id=node.id,
                visit=ctx.state.steps,
                kind="call",
                from_number=node.from_number,
                to_number=ctx.state.phone_number,
                request=request,
                not_before=ctx.now,
            )
        )

    def on_result(self, ctx: NodeContext, outcome: str, result: dict[str, Any]) -> Step:
        state = ctx.state
        talk_time = float(result.get("talk_time_seconds") or 0)
        outputs = {
            "outcome": outcome,
            "answered_by": result.get("answered_by", "unknown"),
            "talk_time_seconds": talk_time,
            "duration_seconds": float(result.get("duration_seconds") or 0),
            "ended_reason": result.get("ended_reason"),
            "attempt": result.get("attempt"),
            "data": result.get("data") or {},
        }

        state.last_call_outcome = outcome
        if outcome == "answered":
            state.calls_answered += 1
            state.talk_time_seconds += talk_time
        return GoTo(ctx.node.next, outputs=outputs)

    def _variables(self, ctx: NodeContext) -> dict[str, Any]:
        if ctx.node.variables is None:
            return {field.name: ctx.state.data.get(field.name) for field in ctx.document.fields}
        scope = ctx.scope()
        return {name: render(template, scope) for name, template in ctx.node.variables.items()}

    def _voicemail_message(self, ctx: NodeContext) -> str | None:
        if ctx.node.voicemail != "leave_message" or not ctx.node.voicemail_message:
            return None
        return render(ctx.node.voicemail_message, ctx.scope())
