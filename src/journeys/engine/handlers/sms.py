"""The SMS node: renders the message, queues it and waits for its delivery status."""

from __future__ import annotations

from typing import Any

from journeys.domain.sms import sms_encoding, sms_length_problem
from journeys.domain.templates import TemplateRenderError, render
from journeys.engine.context import NodeContext
from journeys.engine.handlers.base import NodeHandler
from journeys.engine.state import NewAction
from journeys.engine.steps import Fail, GoTo, Park, Queue, Step
from journeys.engine.window import describe, window_wait


class SmsHandler(NodeHandler):
    def enter(self, ctx: NodeContext) -> Step:
        return self.resume(ctx)

    def resume(self, ctx: NodeContext) -> Step:
        decision = window_wait(ctx.settings, ctx.state.timezones, ctx.now)
        if decision is not None and decision.at > ctx.now:
            return Park(until=decision.at, reason=describe(decision))

        # Rendered now, so that the text sent is the text of this visit even if
        # the journey is edited while the SMS waits in the outbox.
        try:
            message = render(ctx.node.message, ctx.scope())
        except TemplateRenderError as exc:
            return Fail(str(exc))
        too_long = sms_length_problem(message)
        if too_long is not None:
            return Fail(f"the SMS was not sent because the rendered message is too long: {too_long}; "
                        "shorten the message or the recipient data it includes")

        encoding, segments = sms_encoding(message)
        return Queue(
            NewAction(
                recipient_id=ctx.state.id,
                run_id=ctx.state.run_id,
                node_id=ctx.node.id,
                visit=ctx.state.steps,
                kind="sms",
                from_number=ctx.node.from_number,
                to_number=ctx.state.phone_number,
                request={
                    "message": message,
                    "segments": segments,
                    "encoding": encoding,
                    "window_note": decision.note if decision else None,
                },
                not_before=ctx.now,
            )
        )

    def on_result(self, ctx: NodeContext, outcome: str, result: dict[str, Any]) -> Step:
        outputs = {
            "status": outcome,
            "segments": result.get("segments"),
            "encoding": result.get("encoding"),
        }
        return GoTo(ctx.node.next, outputs=outputs)
