"""The journey validator: each kind of problem, located by node id or path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from journeys.domain.document import JourneyDocument
from journeys.domain.validation import validate_journey, validation_problems
from journeys.errors import JourneyInvalidError, Problem

SAMPLE_PATH = Path(__file__).parent / "fixtures" / "journey-reminder.json"
NUMBERS = {"+12025550100"}
AGENTS = {"collections"}

Mutation = Callable[[dict[str, Any]], None]


def sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    return document


def node(document: dict[str, Any], node_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(item for item in document["nodes"] if item.get("id") == node_id)
    return found


def mutated(mutation: Mutation) -> dict[str, Any]:
    document = copy.deepcopy(sample())
    mutation(document)
    return document


def when(document: dict[str, Any], condition: dict[str, Any], case: int = 0) -> None:
    node(document, "outcome")["cases"][case]["when"] = condition


def matching(problems: list[Problem], node_id: str | None, path: str | None, fragment: str) -> list[Problem]:
    return [
        problem
        for problem in problems
        if problem.node_id == node_id
        and (path is None or problem.path == path)
        and fragment in problem.message
    ]


# --- The sample ---------------------------------------------------------------


def test_sample_validates() -> None:
    document = validate_journey(sample(), numbers=NUMBERS, agents=AGENTS)

    assert isinstance(document, JourneyDocument)
    assert document.name == "Payment reminder"
    assert [item.id for item in document.nodes][:2] == ["start", "call_1"]


def test_sample_has_no_problems() -> None:
    assert validation_problems(sample()) == []


def test_parsed_document_validates() -> None:
    parsed = JourneyDocument.model_validate(sample())

    assert validate_journey(parsed) is parsed


def test_unregistered_numbers_and_agents_reported() -> None:
    problems = validation_problems(sample(), numbers={"+12025550199"}, agents={"sales"})

    numbers = [p for p in problems if p.path and p.path.endswith("from_number")]
    agents = [p for p in problems if p.path and p.path.endswith("agent")]
    assert {p.node_id for p in numbers} == {"call_1", "call_2", "text"}
    assert {p.node_id for p in agents} == {"call_1", "call_2"}
    assert all("journeys number add" in p.message for p in numbers)
    assert all("journeys agent add" in p.message for p in agents)
    assert "+12025550199" in numbers[0].message
    assert len(problems) == 5


def test_empty_registries_reported() -> None:
    problems = validation_problems(sample(), numbers=set(), agents=set())

    assert len(problems) == 5
    assert "none registered" in problems[0].message


def test_validate_journey_raises_with_every_problem() -> None:
    document = mutated(lambda d: node(d, "call_2").update(next="nowhere", extra=1))

    with pytest.raises(JourneyInvalidError) as caught:
        validate_journey(document)

    assert caught.value.problems == validation_problems(document)
    assert len(caught.value.problems) == 2
    assert "node 'call_2'" in str(caught.value)


def test_parsed_document_with_problems_raises() -> None:
    parsed = JourneyDocument.model_validate(mutated(lambda d: node(d, "call_2").update(next="nowhere")))

    with pytest.raises(JourneyInvalidError, match="nowhere"):
        validate_journey(parsed)


@pytest.mark.parametrize("raw", [[], "journey", None, 3])
def test_non_object_document_rejected(raw: Any) -> None:
    problems = validation_problems(raw)

    assert len(problems) == 1
    assert "must be an object" in problems[0].message


# --- Each kind of problem -----------------------------------------------------


def _add_nodes(*nodes: dict[str, Any]) -> Mutation:
    return lambda document: document["nodes"].extend(nodes)


def _add_fields(*fields: dict[str, Any]) -> Mutation:
    return lambda document: document["fields"].extend(fields)


def _set(node_id: str, **settings: Any) -> Mutation:
    return lambda document: node(document, node_id).update(settings)


def _unset(node_id: str, setting: str) -> Mutation:
    return lambda document: node(document, node_id).pop(setting)


def _when(condition: dict[str, Any]) -> Mutation:
    return lambda document: when(document, condition)


def _wait_until(**settings: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        wait = node(document, "wait")
        wait.clear()
        wait.update({"id": "wait", "type": "wait_until", "next": "call_2", **settings})

    return mutate


def _remove_start(document: dict[str, Any]) -> None:
    document["nodes"] = [item for item in document["nodes"] if item["type"] != "start"]


ENUM_FIELD = {"name": "plan", "type": "enum", "choices": ["gold", "silver"]}
CALL_OUTCOME = "nodes.call_1.outcome"

PROBLEM_CASES: list[tuple[str, Mutation, str | None, str | None, str]] = [
    # shape problems from the schema, located by node id
    ("unknown setting", _set("call_1", nxt="done"), "call_1", "nodes[1].nxt", "unknown setting 'nxt'; did you mean 'next'?"),
    ("missing setting", _unset("call_1", "from_number"), "call_1", "nodes[1].from_number", "missing setting 'from_number'"),
    ("literal", _set("wait", unit="weeks"), "wait", "nodes[3].unit", "'unit' must be one of minutes, hours, days, not 'weeks'"),
    ("bad amount", _set("wait", amount=-1), "wait", "nodes[3].amount", "invalid 'amount': input should be greater than 0"),
    ("unknown type", _set("text", type="email"), "text", "nodes[5]", "unknown node type 'email'"),
    ("missing type", _unset("text", "type"), "text", "nodes[5]", "missing setting 'type'"),
    ("nested condition", _when({"subject": CALL_OUTCOME, "op": "equalz", "value": 1}), "outcome",
     "nodes[2].cases[0].when.op", "cases[0].when: 'op' must be one of equals"),
    ("not a condition", _when({"all": [5]}), "outcome", "nodes[2].cases[0].when.all[0]", "a condition must be an object"),
    ("bad time", _wait_until(field="due_date", time="25:00"), "wait", "nodes[3].time", "24-hour time of day"),
    ("empty message", _set("text", message=""), "text", "nodes[5].message", "'message' must not be empty"),
    ("voicemail without message", _set("call_1", voicemail="leave_message"), "call_1", "nodes[1]", "needs a 'voicemail_message'"),
    ("missing id", _add_nodes({"type": "end"}), None, "nodes[7].id", "missing setting 'id'"),
    # graph problems
    ("duplicate id", _add_nodes({"id": "done", "type": "end"}), "done", "nodes[7].id", "duplicate node id 'done' (also nodes[6])"),
    ("invalid id", _add_nodes({"id": "end.2", "type": "end"}), "end.2", "nodes[7].id", "invalid node id 'end.2'"),
    ("missing start", _remove_start, None, "nodes", "missing start node"),
    ("second start", _add_nodes({"id": "start_2", "type": "start", "next": "call_1"}), "start_2", "nodes[7]", "more than one start node"),
    ("start without next", _unset("start", "next"), "start", "nodes[0].next", "the start node has no 'next'"),
    ("dangling next", _set("call_2", next="dnoe"), "call_2", "nodes[4].next", "'next' points to 'dnoe', which is not a node id; did you mean 'done'?"),
    ("dangling default", _set("outcome", default="wiat"), "outcome", "nodes[2].default", "'default' points to 'wiat'"),
    ("dangling case", lambda d: node(d, "outcome")["cases"][1].update(next="txt"), "outcome", "nodes[2].cases[1].next", "'cases[1].next' points to 'txt'"),
    ("branch without default", _unset("outcome", "default"), "outcome", "nodes[2].default", "the branch has no 'default'"),
    ("unreachable", _add_nodes({"id": "orphan", "type": "end"}), "orphan", "nodes[7]", "unreachable"),
    ("end with next", _set("done", next="start"), "done", "nodes[6].next", "cannot have 'next'"),
    # template names and features
    ("unknown field in template", _set("text", message="Hi {{ customr_name }}"), "text", "nodes[5].message",
     "message: unknown field 'customr_name'; known fields are autopay, balance"),
    ("unknown node in template", _set("text", message="{{ nodes.call_9.outcome }}"), "text", "nodes[5].message", "unknown node 'call_9'"),
    ("unknown output in template", _set("text", message="{{ nodes.call_1.status }}"), "text", "nodes[5].message",
     "node 'call_1' (type call) has no output 'status'"),
    ("output of node without outputs", _set("text", message="{{ nodes.wait.done }}"), "text", "nodes[5].message", "it has no outputs"),
    ("incomplete name", _set("text", message="{{ nodes.call_1 }}"), "text", "nodes[5].message", "'nodes.call_1' is incomplete"),
    ("unknown namespace", _set("text", message="{{ run.name }}"), "text", "nodes[5].message", "unknown name 'run.name'"),
    ("field has no parts", _set("text", message="{{ data.balance.cents }}"), "text", "nodes[5].message", "a field's value has no parts"),
    ("call variable", _set("call_1", variables={"greeting": "Hi {{ nme }}"}), "call_1", "nodes[1].variables.greeting",
     "variables.greeting: unknown field 'nme'"),
    ("voicemail message", _set("call_1", voicemail="leave_message", voicemail_message="{{ recipient.foo }}"), "call_1",
     "nodes[1].voicemail_message", "unknown recipient attribute 'foo'"),
    ("template syntax", _set("text", message="Hi {{ customer_name"), "text", "nodes[5].message", "template syntax error on line 1"),
    ("filter not allowed", _set("text", message="{{ customer_name | attr('x') }}"), "text", "nodes[5].message", "filter 'attr' is not allowed"),
    ("loop not allowed", _set("text", message="{% for x in notes %}{% endfor %}"), "text", "nodes[5].message", "'{% for %}' tag"),
    # condition names and values
    ("unknown field in condition", _when({"subject": "data.balanse", "op": "greater_than", "value": 5}), "outcome",
     "nodes[2].cases[0].when", "condition subject 'data.balanse': unknown field 'balanse'"),
    ("unknown bare field", _when({"subject": "balanse", "op": "is_empty"}), "outcome", "nodes[2].cases[0].when", "unknown field 'balanse'"),
    ("unknown node in condition", _when({"subject": "nodes.call_9.outcome", "op": "is_empty"}), "outcome", None, "unknown node 'call_9'"),
    ("output of wrong type", _when({"subject": "nodes.text.outcome", "op": "is_empty"}), "outcome", None,
     "node 'text' (type sms) has no output 'outcome'; its outputs are encoding, segments, status"),
    ("recipient attribute", _when({"subject": "recipient.calls", "op": "greater_than", "value": 1}), "outcome", None,
     "unknown recipient attribute 'calls'"),
    ("impossible outcome", _when({"subject": CALL_OUTCOME, "op": "equals", "value": "answerd"}), "outcome",
     "nodes[2].cases[0].when", "'answerd' is not a possible value of nodes.call_1.outcome; use one of answered, voicemail"),
    ("impossible in list", _when({"subject": CALL_OUTCOME, "op": "in", "value": ["answered", "voicemal"]}), "outcome", None,
     "'voicemal' is not a possible value"),
    ("impossible last outcome", _when({"subject": "recipient.last_call_outcome", "op": "not_equals", "value": "noanswer"}),
     "outcome", None, "'noanswer' is not a possible value of recipient.last_call_outcome"),
    ("impossible status", _when({"subject": "nodes.text.status", "op": "equals", "value": "read"}), "outcome", None,
     "'read' is not a possible value of nodes.text.status"),
    ("nested group subject", _when({"all": [{"not": {"subject": "nodes.call_1.outcom", "op": "is_empty"}}]}), "outcome",
     "nodes[2].cases[0].when.all[0].not", "no output 'outcom'"),
    ("empty group", _when({"any": []}), "outcome", "nodes[2].cases[0].when", "the 'any' group is empty, so it is always false"),
    ("bad offset in condition", _when({"subject": "due_date", "op": "before", "value": "+3 dayz"}), "outcome", None,
     "invalid offset '+3 dayz'"),
    ("huge offset in condition", _when({"subject": "due_date", "op": "before", "value": "+999999 weeks"}), "outcome", None,
     "offset '+999999 weeks' is too large"),
    ("bad date in condition", _when({"subject": "due_date", "op": "after", "value": "tomorrow"}), "outcome", None,
     "'after' needs a date, a datetime, 'today', 'now' or an offset"),
    ("non-number ordering", _when({"subject": "balance", "op": "less_than", "value": "lots"}), "outcome", None,
     "'less_than' compares numbers"),
    ("duplicate case label", lambda d: node(d, "outcome")["cases"][1].update(label="Answered"), "outcome",
     "nodes[2].cases[1].label", "duplicate case label 'Answered'"),
    ("reserved case label", lambda d: node(d, "outcome")["cases"][0].update(label="default"), "outcome",
     "nodes[2].cases[0].label", "reserved for the default path"),
    # data fields
    ("duplicate field", _add_fields({"name": "zip", "type": "string"}), None, "fields[7].name", "duplicate field name 'zip' (also fields[4])"),
    ("built-in phone field", _add_fields({"name": "phone_number", "type": "phone"}), None, "fields[7].name", "'phone_number' is a built-in field"),
    ("built-in timezone field", _add_fields({"name": "timezone"}), None, "fields[7].name", "'timezone' is a built-in field"),
    ("reserved field", _add_fields({"name": "data"}), None, "fields[7].name", "'data' is reserved"),
    ("export column field", _add_fields({"name": "status"}), None, "fields[7].name", "'status' is a column of the recipients export"),
    ("invalid field name", _add_fields({"name": "Plan"}), None, "fields[7].name", "invalid field name 'Plan'"),
    ("enum without choices", _add_fields({"name": "plan", "type": "enum"}), None, "fields[7]", "needs a non-empty 'choices' list"),
    ("bad number default", _add_fields({"name": "credit", "type": "number", "default": "lots"}), None, "fields[7].default",
     "default 'lots' does not fit field 'credit' of type number"),
    ("bad date default", _add_fields({"name": "paid_on", "type": "date", "default": "10/06/2026"}), None, "fields[7].default",
     "write dates as YYYY-MM-DD"),
    ("bad enum default", _add_fields({**ENUM_FIELD, "default": "bronze"}), None, "fields[7].default", "use one of gold, silver"),
    ("impossible enum value", lambda d: (_add_fields(ENUM_FIELD)(d), when(d, {"subject": "plan", "op": "equals", "value": "platinum"})),
     "outcome", None, "'platinum' is not a possible value of plan; use one of gold, silver"),
    # wait_until settings
    ("wait on non-date field", _wait_until(field="zip"), "wait", "nodes[3].field",
     "'field' must name a date or datetime field, and 'zip' is of type string"),
    ("wait on unknown field", _wait_until(field="due"), "wait", "nodes[3].field", "unknown field 'due'; date and datetime fields are: due_date"),
    ("unknown zone", _wait_until(field="due_date", timezone="Mars/Base"), "wait", "nodes[3].timezone", "unknown time zone 'Mars/Base'"),
    ("zone is a folder", _wait_until(field="due_date", timezone="America"), "wait", "nodes[3].timezone", "unknown time zone 'America'"),
    ("bad wait offset", _wait_until(field="due_date", offset="3 days"), "wait", "nodes[3].offset", "invalid offset '3 days'"),
    ("huge wait offset", _wait_until(field="due_date", offset="+99999999999 days"), "wait", "nodes[3].offset",
     "offset '+99999999999 days' is too large"),
    ("offset without field", _wait_until(window={"start": "09:00", "end": "17:00"}, offset="+1 day"), "wait", "nodes[3].offset",
     "'offset' only applies with 'field'"),
    ("no wait mode", _wait_until(), "wait", "nodes[3]", "set exactly one of 'at', 'field' or 'window'"),
]


@pytest.mark.parametrize(
    ("mutation", "node_id", "path", "fragment"),
    [case[1:] for case in PROBLEM_CASES],
    ids=[case[0] for case in PROBLEM_CASES],
)
def test_problem_reported(mutation: Mutation, node_id: str | None, path: str | None, fragment: str) -> None:
    problems = validation_problems(mutated(mutation))

    assert matching(problems, node_id, path, fragment), [str(problem) for problem in problems]


@pytest.mark.parametrize(
    ("mutation", "node_id", "path", "fragment"),
    [case[1:] for case in PROBLEM_CASES],
    ids=[case[0] for case in PROBLEM_CASES],
)
def test_problem_rejects_save(mutation: Mutation, node_id: str | None, path: str | None, fragment: str) -> None:
    with pytest.raises(JourneyInvalidError):
        validate_journey(mutated(mutation))


# --- Documents that are valid ---------------------------------------------------


VALID_CASES: list[tuple[str, Mutation]] = [
    ("loop back", _set("call_2", next="call_1")),
    ("node without next", _unset("call_2", "next")),
    ("dashed id", lambda d: (node(d, "call_2").update(id="call-2"), node(d, "wait").update(next="call-2"))),
    ("node output in template", _set("text", message="{{ nodes.call_1.outcome }} {{ nodes['call_1'].data.reason | default('') }}")),
    ("built-in names", _set("text", message="{{ phone_number }} {{ data.timezone }} {{ recipient.sms_sent }}")),
    ("agent data subject", _when({"subject": "nodes.call_1.data.promise.date", "op": "after", "value": "today"})),
    ("taken label", lambda d: (
        node(d, "call_2").update(next="check"),
        d["nodes"].append({"id": "check", "type": "branch", "default": "done", "cases": [
            {"label": "Again", "when": {"subject": "nodes.outcome.taken", "op": "in", "value": ["Voicemail", "default"]}, "next": "done"},
        ]}),
    )),
    ("relative dates", _when({"any": [
        {"subject": "due_date", "op": "before", "value": "+3 days"},
        {"subject": "due_date", "op": "after", "value": "2026-06-10"},
        {"subject": "due_date", "op": "before", "value": "now"},
    ]})),
    ("numeric text", _when({"subject": "balance", "op": "greater_or_equal", "value": "10.5"})),
    ("enum value", lambda d: (_add_fields(ENUM_FIELD)(d), when(d, {"subject": "data.plan", "op": "in", "value": ["gold"]}))),
    ("wait until field", _wait_until(field="due_date", time="09:00", offset="-1 day", timezone="America/Chicago")),
    ("good defaults", _add_fields(
        {"name": "credit", "type": "number", "default": 2.5},
        {"name": "visits", "type": "integer", "default": 3},
        {"name": "paid_on", "type": "date", "default": "2026-06-10"},
        {"name": "called_at", "type": "datetime", "default": "2026-06-10T09:00:00-04:00"},
        {"name": "backup", "type": "phone", "default": "+12025550111"},
        {"name": "contact", "type": "email", "default": "ann@example.com"},
        {"name": "opted_in", "type": "boolean", "default": False},
        {**ENUM_FIELD, "default": "gold"},
    )),
]


@pytest.mark.parametrize("mutation", [case[1] for case in VALID_CASES], ids=[case[0] for case in VALID_CASES])
def test_valid_variation(mutation: Mutation) -> None:
    assert [str(problem) for problem in validation_problems(mutated(mutation))] == []


# --- Many problems at once ------------------------------------------------------


def many_problems(document: dict[str, Any]) -> None:
    node(document, "call_1").update(nxt="x")
    node(document, "call_1").pop("from_number")
    node(document, "wait").update(unit="weeks", next="call_3")
    when(document, {"subject": CALL_OUTCOME, "op": "equals", "value": "answerd"})
    when(document, {"all": [{"not": {"subject": "nodes.call_1.outcom", "op": "is_empty"}},
                            {"subject": "x", "op": "equalz", "value": 1}]}, case=1)
    node(document, "text").update(message="Hi {{ customr_name }} {{ x | tojson }}")
    document["nodes"].append({"id": "done", "type": "end"})
    document["nodes"].append({"id": "lost", "type": "teleport", "next": "nowhere"})
    document["fields"].append({"name": "zip", "type": "integer", "default": "x"})
    document["fields"].append({"name": "phone_number", "type": "phone"})


MANY_EXPECTED = [
    ("call_1", "unknown setting 'nxt'"),
    ("call_1", "missing setting 'from_number'"),
    ("wait", "'unit' must be one of"),
    ("wait", "'next' points to 'call_3'"),
    ("outcome", "'answerd' is not a possible value"),
    ("outcome", "no output 'outcom'"),
    ("outcome", "'op' must be one of"),
    ("text", "unknown field 'customr_name'"),
    ("text", "filter 'tojson' is not allowed"),
    ("text", "unknown field 'x'"),
    ("done", "duplicate node id 'done'"),
    ("lost", "unknown node type 'teleport'"),
    ("lost", "'next' points to 'nowhere'"),
    ("lost", "unreachable"),
    ("call_2", "unreachable"),
    (None, "duplicate field name 'zip'"),
    (None, "does not fit field 'zip'"),
    (None, "'phone_number' is a built-in field"),
]


@pytest.mark.parametrize(("node_id", "fragment"), MANY_EXPECTED)
def test_many_problems_all_listed(node_id: str | None, fragment: str) -> None:
    problems = validation_problems(mutated(many_problems))

    assert matching(problems, node_id, None, fragment), [str(problem) for problem in problems]


def test_many_problems_nothing_extra() -> None:
    problems = validation_problems(mutated(many_problems))

    unexpected = [
        str(problem)
        for problem in problems
        if not any(matching([problem], node_id, None, fragment) for node_id, fragment in MANY_EXPECTED)
    ]
    assert unexpected == []


def test_invalid_node_still_provides_outputs() -> None:
    # call_1 lacks a setting, but conditions reading its outcome are not also reported.
    problems = validation_problems(mutated(_unset("call_1", "agent")))

    assert [problem.message for problem in problems] == ["missing setting 'agent'"]


def test_problem_str_names_node() -> None:
    problems = validation_problems(mutated(_set("call_2", next="dnoe")))

    assert str(problems[0]).startswith("node 'call_2': ")


def test_node_with_unknown_type_still_provides_outputs() -> None:
    problems = validation_problems(mutated(_set("call_1", type="phone_call")))

    assert [problem.message for problem in problems] == [
        "unknown node type 'phone_call'; use one of start, call, sms, time_delay, wait_until, branch, end"
    ]


# --- Values that cannot be stored ----------------------------------------------


def deeply_nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("mutation", "node_id", "path", "message"),
    [
        (lambda d: d.update(name="Pay\x00"), None, "name", "it contains the control character U+0000 at position 4"),
        (lambda d: d["fields"][0].update(label="\x00"), None, "fields[0].label", "U+0000 at position 1"),
        (lambda d: node(d, "outcome").update(label="x\x00"), "outcome", None, "label: it contains the control character U+0000"),
        (lambda d: node(d, "outcome").update(id="out\x00come"), None, None, "U+0000 at position 4"),
        (lambda d: d.update(max_steps=float("inf")), None, "max_steps", "the number is not finite"),
        (lambda d: d["nodes"][0].update(position={"x": float("nan"), "y": 0}), "start", "nodes[0].position.x", "position.x: the number is not finite"),
        (lambda d: d.update(description=deeply_nested(100)), None, None, "nested more than 64 levels"),
    ],
    ids=["name", "field label", "node label", "node id", "infinity", "nan", "deep"],
)
def test_unstorable_value_is_only_problem(mutation: Mutation, node_id: str | None, path: str | None, message: str) -> None:
    problems = validation_problems(mutated(mutation), numbers=NUMBERS, agents=AGENTS)

    assert len(problems) == 1, problems
    assert problems[0].node_id == node_id
    if path is not None:
        assert problems[0].path == path
    assert message in problems[0].message
