"""One handler per node type, looked up in `HANDLERS` by the node's `type`.

A handler's `enter` runs when a recipient arrives at the node, `resume` when a
recipient that the node parked wakes up, and `on_result` when the call or SMS
the node queued has a final result. Each returns a `Step`.
"""

from __future__ import annotations

from journeys.engine.handlers.base import NodeHandler
from journeys.engine.handlers.branch import BranchHandler
from journeys.engine.handlers.call import CallHandler
from journeys.engine.handlers.end import EndHandler
from journeys.engine.handlers.sms import SmsHandler
from journeys.engine.handlers.start import StartHandler
from journeys.engine.handlers.time_delay import TimeDelayHandler
from journeys.engine.handlers.wait_until import WaitUntilHandler

HANDLERS: dict[str, NodeHandler] = {
    "start": StartHandler(),
    "call": CallHandler(),
    "sms": SmsHandler(),
    "time_delay": TimeDelayHandler(),
    "wait_until": WaitUntilHandler(),
    "branch": BranchHandler(),
    "end": EndHandler(),
}

__all__ = ["HANDLERS", "NodeHandler"]
