"""Moves one recipient through nodes until it waits, parks or finishes.

The stepper is pure: it changes a `RecipientState` in memory and collects the
events and actions of the move. The worker commits all of it in one
transaction, which is what makes a move atomic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from journeys.domain.document import JourneyDocument
from journeys.domain.settings import RunSettings
from journeys.engine.context import NodeContext
from journeys.engine.handlers import HANDLERS
from journeys.engine.state import Move, RecipientState
from journeys.engine.steps import Fail, Finish, GoTo, Park, Queue, Step


@dataclass(frozen=True)
class CompiledJourney:
    """A journey version with its nodes indexed by id, built once per version."""

    document: JourneyDocument
    nodes: dict[str, Any]

    @classmethod
    def of(cls, document: JourneyDocument) -> CompiledJourney:
        return cls(document=document, nodes=document.node_map())


def advance(
    state: RecipientState, journey: CompiledJourney, settings: RunSettings, now: datetime
) -> Move:
    """Run node handlers for a due recipient until it waits, parks or finishes."""
    move = Move(state=state)
    state.status = "active"
    state.next_at = None

    while state.status == "active":
        node = journey.nodes.get(state.current_node or "")
        if node is None:
            _fail_missing_node(state, move, now)
            break

        ctx = NodeContext(state, node, journey.document, settings, now, events=move.events)
        if state.phase == "enter":
            if state.steps >= journey.document.max_steps:
                _apply(ctx, move, Fail(_step_limit_reason(journey)))
                break
            state.steps += 1
            ctx.emit("entered")
            step = HANDLERS[node.type].enter(ctx)
        else:
            step = HANDLERS[node.type].resume(ctx)
        _apply(ctx, move, step)
    return move


def apply_result(
    state: RecipientState,
    journey: CompiledJourney,
    settings: RunSettings,
    now: datetime,
    outcome: str,
    result: dict[str, Any],
) -> Move:
    """Apply the final result of the action the recipient waits on, and move it on.

    The recipient becomes due at the next node; the worker advances it there,
    so that a paused run does not move it further.
    """
    move = Move(state=state)
    node = journey.nodes.get(state.current_node or "")
    if node is None:
        _fail_missing_node(state, move, now)
        return move

    state.status = "active"
    ctx = NodeContext(state, node, journey.document, settings, now, events=move.events)
    step = HANDLERS[node.type].on_result(ctx, outcome, result)
    _apply(ctx, move, step)
    if state.status == "active":
        state.next_at = now
    return move


def _apply(ctx: NodeContext, move: Move, step: Step) -> None:
    state = ctx.state
    match step:
        case GoTo(target=target, outputs=outputs):
            if outputs is not None:
                state.outputs[ctx.node.id] = outputs
            if target is None:
                _finish(ctx, None)
            else:
                state.current_node = target
                state.phase = "enter"
        case Queue(action=action):
            state.status = "waiting"
            state.phase = "resume"
            move.actions.append(action)
        case Park(until=until, reason=reason, wake=wake):
            state.status = "delayed"
            state.phase = wake
            state.next_at = until
            ctx.emit("delayed", f"until {until.isoformat()}: {reason}")
        case Finish(result=result):
            _finish(ctx, result)
        case Fail(reason=reason):
            state.status = "failed"
            state.failure_reason = reason
            state.finished_at = ctx.now
            ctx.emit("failed", reason)


def _finish(ctx: NodeContext, result: str | None) -> None:
    ctx.state.status = "completed"
    ctx.state.result = result
    ctx.state.finished_at = ctx.now
    ctx.emit("completed", result)


def _fail_missing_node(state: RecipientState, move: Move, now: datetime) -> None:
    failed = fail_move(state, state.current_node, f"node {state.current_node!r} is no longer in the journey", now)
    move.events.extend(failed.events)


def fail_move(state: RecipientState, node_id: str | None, reason: str, now: datetime) -> Move:
    """Return a move that fails the recipient at `node_id` with `reason`."""
    from journeys.engine.state import NewEvent

    state.status = "failed"
    state.failure_reason = reason
    state.next_at = None
    state.finished_at = now
    return Move(state=state, events=[NewEvent(state.id, state.run_id, now, node_id, "failed", reason)])


def _step_limit_reason(journey: CompiledJourney) -> str:
    limit = journey.document.max_steps
    return f"passed the limit of {limit} steps; the journey probably loops without an exit"
