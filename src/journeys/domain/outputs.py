"""The values each node type outputs and the recipient attributes, by name.

Conditions and templates read these as `nodes.<id>.<output>` and
`recipient.<attribute>`. The validator checks names and enumerated values
against this catalog, and the web app's subject picker lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

CallOutcome = Literal["answered", "voicemail", "no_answer", "busy", "failed", "cancelled"]
AnsweredBy = Literal["human", "machine", "unknown"]
SmsStatus = Literal["sent", "delivered", "undelivered", "failed"]
SmsEncoding = Literal["GSM-7", "UCS-2"]

CALL_OUTCOMES: tuple[str, ...] = get_args(CallOutcome)
ANSWERED_BY: tuple[str, ...] = get_args(AnsweredBy)
SMS_STATUSES: tuple[str, ...] = get_args(SmsStatus)
SMS_ENCODINGS: tuple[str, ...] = get_args(SmsEncoding)

# The label a branch records as `taken` when no case matches.
DEFAULT_CASE_LABEL = "default"

ValueKind = Literal["string", "integer", "number", "object"]


@dataclass(frozen=True)
class Output:
    """A named value that a node or the recipient provides to conditions and templates.

    `choices` lists every value an enumerated output can take. It is None for
    free values, and for a branch's `taken`, whose values are that branch's
    case labels plus `default`.
    """

    name: str
    kind: ValueKind
    description: str
    choices: tuple[str, ...] | None = None


_CALL_OUTPUTS = (
    Output("outcome", "string", "How the call ended.", CALL_OUTCOMES),
    Output("answered_by", "string", "Who answered: a person, a machine or unknown.", ANSWERED_BY),
    Output("talk_time_seconds", "number", "Seconds of conversation after the answer."),
    Output("duration_seconds", "number", "Seconds from dialling to hang-up."),
    Output("ended_reason", "string", "The provider's reason the call ended."),
    Output("attempt", "integer", "How many times this node has placed a call for the recipient."),
    Output("data", "object", "Values the agent reported, read as nodes.<id>.data.<key>."),
)
_SMS_OUTPUTS = (
    Output("status", "string", "The last delivery status.", SMS_STATUSES),
    Output("segments", "integer", "How many SMS segments the message used."),
    Output("encoding", "string", "The character encoding the message needed.", SMS_ENCODINGS),
)
_BRANCH_OUTPUTS = (Output("taken", "string", "The label of the case taken, or 'default'."),)

NODE_OUTPUTS: Mapping[str, tuple[Output, ...]] = MappingProxyType(
    {
        "start": (),
        "call": _CALL_OUTPUTS,
        "sms": _SMS_OUTPUTS,
        "time_delay": (),
        "wait_until": (),
        "branch": _BRANCH_OUTPUTS,
        "end": (),
    }
)

RECIPIENT_ATTRIBUTES: tuple[Output, ...] = (
    Output("calls_placed", "integer", "Calls placed to the recipient in this run."),
    Output("calls_answered", "integer", "Calls a person answered in this run."),
    Output("sms_sent", "integer", "SMS sent to the recipient in this run."),
    Output("last_call_outcome", "string", "The outcome of the latest call.", CALL_OUTCOMES),
    Output("timezone", "string", "The IANA time zone used for the recipient's local time."),
    Output("phone_number", "string", "The recipient's phone number in E.164."),
)

# The output under which a call node keeps what the agent reported. Any key
# below it is allowed, because the agent decides the keys at run time.
AGENT_DATA_OUTPUT = "data"


def node_output(node_type: str, name: str) -> Output | None:
    """Return the output `name` of nodes of `node_type`, or None if there is none."""
    for output in NODE_OUTPUTS.get(node_type, ()):
        if output.name == name:
            return output
    return None


def recipient_attribute(name: str) -> Output | None:
    """Return the recipient attribute `name`, or None if there is none."""
    for attribute in RECIPIENT_ATTRIBUTES:
        if attribute.name == name:
            return attribute
    return None
