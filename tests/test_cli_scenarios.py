"""Engine scenarios driven through the `journeys` command line.

Runs stored in a scratch database (SQLite and PostgreSQL, from the
`database_url` fixture) move on wall time with `journeys worker --drain`, so
their delays are a few seconds long. `journeys simulate` always uses its own
throwaway SQLite database in virtual time, so the tests built on it run once.
"""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cli_helpers import (
    SENDER_NUMBER,
    Cli,
    delayed_until,
    events_of,
    load_scenario,
    outcome_of,
    parse_utc,
    sends_per_visit,
    write_csv,
    write_json,
)

# Every test here starts ten or more `journeys` processes, each about a second long.
pytestmark = pytest.mark.slow

# Calls and SMS at any hour, with results at once: wall-time runs then finish in a few drains.
QUICK_RUN = ("--no-calling-window", "--sim-latency", "0")
NEW_YORK = "America/New_York"


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    """The command line on a new database of each kind."""
    return Cli(database_url, tmp_path)


@pytest.fixture
def simulator(tmp_path: Path) -> Cli:
    """The command line for `journeys simulate`, which brings its own database."""
    return Cli(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path)


def script_file(folder: Path, script: dict[str, list[str]]) -> Path:
    return write_json(folder / "script.json", script)


def with_delay(document: dict[str, Any], node_id: str, amount: float, unit: str) -> dict[str, Any]:
    """Return a copy of a journey whose time_delay node waits `amount` `unit`."""
    changed = copy.deepcopy(document)
    for node in changed["nodes"]:
        if node["id"] == node_id:
            node.update(amount=amount, unit=unit)
    return changed


def by_phone(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["phone_number"]: row for row in rows}


def sms_texts(events: list[dict[str, str]]) -> dict[str, str]:
    return {event["phone_number"]: event["detail"] for event in events_of(events, type_="sms_sent")}


# --- retries after no answer -------------------------------------------------------------


def test_retry_after_no_answer_in_simulation(simulator: Cli, tmp_path: Path) -> None:
    script = script_file(tmp_path, {"+12025550101": ["no_answer", "answered"], "+12025550102": ["answered"]})
    rows = [{"phone_number": "+12025550101", "customer_name": "Ann"}, {"phone_number": "+12025550102", "customer_name": "Bob"}]

    result = simulator.simulate(
        load_scenario("retry_after_no_answer"), rows,
        "--script", str(script), "--no-calling-window", "--start", "2026-06-10 09:00", "--timezone", "UTC",
    )

    summary = result.summary
    assert summary["calls_placed"] == 3
    assert summary["answered"] == 2
    assert summary["no_answer"] == 1
    assert summary["by_status"]["completed"] == 2
    assert summary["started_at"] == "2026-06-10T09:00:00Z"

    ann = events_of(result.events, "+12025550101")
    placed = events_of(ann, type_="call_placed")
    results = events_of(ann, type_="call_result")
    delayed = events_of(ann, type_="delayed")
    assert [event["node_id"] for event in placed] == ["call_1", "call_2"]
    assert [outcome_of(event) for event in results] == ["no_answer", "answered"]
    assert [event["node_id"] for event in delayed] == ["wait"]
    assert "attempt 2" in placed[1]["detail"]

    first_result_at = parse_utc(results[0]["at"])
    assert delayed_until(delayed[0]) - first_result_at >= timedelta(hours=2) - timedelta(seconds=1)
    assert parse_utc(placed[1]["at"]) >= delayed_until(delayed[0]).replace(microsecond=0)
    assert parse_utc(summary["finished_at"]) >= parse_utc(summary["started_at"]) + timedelta(hours=2)

    bob = events_of(result.events, "+12025550102")
    assert len(events_of(bob, type_="call_placed")) == 1
    assert events_of(bob, type_="delayed") == []


def test_retry_after_no_answer_on_database(cli: Cli, tmp_path: Path) -> None:
    cli.register()
    script = script_file(tmp_path, {"+12025550101": ["no_answer", "answered"]})
    document = with_delay(load_scenario("retry_after_no_answer"), "wait", 0.05, "minutes")

    journey_id, run_id = cli.start_run(document, [{"phone_number": "+12025550101"}], *QUICK_RUN, "--script", str(script))
    run = cli.drain_until_finished(run_id)

    assert run["status"] == "completed"
    events = cli.export_events(run_id)
    placed = events_of(events, type_="call_placed")
    results = events_of(events, type_="call_result")
    delayed = events_of(events, type_="delayed")
    assert [event["node_id"] for event in placed] == ["call_1", "call_2"]
    assert [outcome_of(event) for event in results] == ["no_answer", "answered"]
    assert [event["node_id"] for event in delayed] == ["wait"]
    assert parse_utc(placed[1]["at"]) >= delayed_until(delayed[0]).replace(microsecond=0)

    stats = cli.stats(journey_id, run_id)
    assert stats["calls_placed"] == 2
    assert stats["calls_answered"] == 1


# --- voicemail to SMS ----------------------------------------------------------------------


def test_voicemail_sends_rendered_sms(cli: Cli, tmp_path: Path) -> None:
    cli.register()
    script = script_file(tmp_path, {
        "+12025550101": ["voicemail"], "+12025550102": ["voicemail"], "+12025550103": ["answered"],
    })
    rows = [
        {"phone_number": "+12025550101", "customer_name": "Ann", "balance": "12.5", "due_date": "2026-07-01"},
        {"phone_number": "+12025550102", "customer_name": "Bob & Sons <Ltd>", "balance": "3", "due_date": ""},
        {"phone_number": "+12025550103", "customer_name": "Cy", "balance": "7", "due_date": ""},
    ]

    journey_id, run_id = cli.start_run(load_scenario("voicemail_to_sms"), rows, *QUICK_RUN, "--script", str(script))
    cli.drain_until_finished(run_id)

    events = cli.export_events(run_id)
    assert sms_texts(events) == {
        "+12025550101": "Hi Ann, your balance of 12.5 is due 2026-07-01.",
        # SMS text is plain text: never HTML-escaped.
        "+12025550102": "Hi Bob & Sons <Ltd>, your balance of 3 is due soon.",
    }
    exported = by_phone(cli.export_recipients(run_id))
    assert {phone: row["sms_sent"] for phone, row in exported.items()} == {
        "+12025550101": "1", "+12025550102": "1", "+12025550103": "0",
    }
    assert cli.stats(journey_id, run_id)["sms_sent"] == len(events_of(events, type_="sms_sent"))


# --- a branch on a missing value -------------------------------------------------------------


def test_branch_on_missing_value_takes_default(cli: Cli) -> None:
    rows = [
        {"phone_number": "+12025550101", "plan": "", "balance": ""},
        {"phone_number": "+12025550102", "plan": "premium", "balance": ""},
        {"phone_number": "+12025550103", "plan": "basic", "balance": "5"},
        {"phone_number": "+12025550104", "plan": "basic", "balance": ""},
    ]

    _, run_id = cli.start_run(load_scenario("branch_on_missing_value"), rows, *QUICK_RUN)
    cli.drain_until_finished(run_id)

    taken = {event["phone_number"]: event["detail"] for event in events_of(cli.export_events(run_id), type_="branch_taken")}
    # An empty plan is null, and `not_equals` with null is false: no case matches.
    assert taken == {
        "+12025550101": "default",
        "+12025550102": "Premium",
        "+12025550103": "Owes money",
        "+12025550104": "default",
    }
    results = {phone: row["result"] for phone, row in by_phone(cli.export_recipients(run_id)).items()}
    assert results["+12025550101"] == "fallback"
    assert results["+12025550104"] == "fallback"


# --- wait_until ------------------------------------------------------------------------------------


def test_wait_until_date_cases(cli: Cli) -> None:
    rows = [
        {"phone_number": "+12025550101", "mode": "lenient", "due_date": "2020-01-01"},
        {"phone_number": "+12025550102", "mode": "strict", "due_date": "2020-01-01"},
        {"phone_number": "+12025550103", "mode": "lenient", "due_date": ""},
        {"phone_number": "+12025550104", "mode": "lenient", "due_date": "2099-01-01"},
    ]

    _, run_id = cli.start_run(load_scenario("wait_until_dates"), rows, *QUICK_RUN)
    cli.drain()

    recipients = by_phone(cli.recipients(run_id))
    lenient_past, strict_past, missing, future = (recipients[row["phone_number"]] for row in rows)
    assert (lenient_past["status"], lenient_past["result"]) == ("completed", "reached")
    assert strict_past["status"] == "failed"
    assert "2020-01-01 10:00" in strict_past["failure_reason"]
    assert "in the past" in strict_past["failure_reason"]
    assert missing["status"] == "failed"
    assert "'due_date'" in missing["failure_reason"]
    assert future["status"] == "delayed"
    # 10:00 in New York on 1 January is 15:00 UTC (EST).
    assert parse_utc(future["next_at"]) == datetime(2099, 1, 1, 15, tzinfo=UTC)

    delayed = events_of(cli.export_events(run_id), "+12025550104", "delayed")
    assert [event["node_id"] for event in delayed] == ["wait_lenient"]
    assert delayed_until(delayed[0]) == datetime(2099, 1, 1, 15, tzinfo=UTC)
    assert cli.show_run(run_id)["status"] == "running"


def test_wait_until_future_date_in_simulation(simulator: Cli) -> None:
    rows = [
        {"phone_number": "+12025550101", "mode": "lenient", "due_date": "2026-06-12"},
        {"phone_number": "+12025550102", "mode": "lenient", "due_date": "2026-06-01"},
    ]

    result = simulator.simulate(
        load_scenario("wait_until_dates"), rows, "--start", "2026-06-10 09:00", "--timezone", NEW_YORK,
    )

    # 10:00 in New York on 12 June is 14:00 UTC (EDT).
    target = datetime(2026, 6, 12, 14, tzinfo=UTC)
    delayed = events_of(result.events, "+12025550101", "delayed")
    assert [delayed_until(event) for event in delayed] == [target]
    completed = events_of(result.events, "+12025550101", "completed")
    assert [parse_utc(event["at"]) for event in completed] == [target]
    assert parse_utc(result.summary["finished_at"]) == target
    past = events_of(result.events, "+12025550102", "completed")
    assert [event["at"] for event in past] == [result.summary["started_at"]]


# --- a missing template value ------------------------------------------------------------------------


def test_missing_template_value_fails_recipient(cli: Cli) -> None:
    cli.register()
    rows = [
        {"phone_number": "+12025550101", "customer_name": "Ann", "code": "A1", "nickname": ""},
        {"phone_number": "+12025550102", "customer_name": "", "code": "", "nickname": "Bo"},
        {"phone_number": "+12025550103", "customer_name": "Cy", "code": "C3", "nickname": ""},
        {"phone_number": "+12025550104", "customer_name": "", "code": "D4", "nickname": ""},
    ]

    _, run_id = cli.start_run(load_scenario("missing_template_value"), rows, "--outcomes", "answered=1", *QUICK_RUN)
    cli.drain_until_finished(run_id)

    recipients = by_phone(cli.export_recipients(run_id))
    assert recipients["+12025550102"]["status"] == "failed"
    assert recipients["+12025550102"]["failure_reason"] == "missing value for code"
    # The call's variables need a nickname or a name, so this one fails before dialling.
    assert recipients["+12025550104"]["failure_reason"] == "missing value for customer_name"
    assert recipients["+12025550104"]["calls_placed"] == "0"
    assert recipients["+12025550101"]["status"] == "completed"
    assert recipients["+12025550103"]["status"] == "completed"

    events = cli.export_events(run_id)
    assert sms_texts(events) == {
        "+12025550101": "Hi Ann, your code is A1.",
        "+12025550103": "Hi Cy, your code is C3.",
    }
    sent_text = [event["detail"] for event in events if event["type"] in ("sms_sent", "call_placed")]
    assert [text for text in sent_text if "{" in text or "}" in text] == []


# --- pause and resume ------------------------------------------------------------------------------------


def test_pause_resume_sends_nothing_twice(cli: Cli) -> None:
    cli.register()
    rows = [{"phone_number": f"+1202555010{i}", "customer_name": f"Name {i}"} for i in range(1, 5)]
    latency = 2.0
    journey_id, run_id = cli.start_run(
        load_scenario("call_then_text"), rows, "--sim-latency", f"{latency:g}", "--no-calling-window",
    )

    cli.drain()
    assert {r["status"] for r in cli.recipients(run_id)} == {"waiting"}, "the calls should still be in progress"
    cli.run("run", "pause", run_id)
    time.sleep(latency + 0.3)
    cli.drain()

    paused = cli.stats(journey_id, run_id)
    assert paused["calls_placed"] == len(rows)
    assert paused["sms_sent"] == 0
    events = cli.export_events(run_id)
    assert len(events_of(events, type_="call_result")) == len(rows)
    assert events_of(events, type_="sms_sent") == []
    assert cli.show_run(run_id)["status"] == "paused"

    cli.run("run", "resume", run_id)
    run = cli.drain_until_finished(run_id)

    assert run["status"] == "completed"
    events = cli.export_events(run_id)
    repeated = {visit: counts for visit, counts in sends_per_visit(events).items() if max(counts.values()) > 1}
    assert repeated == {}
    final = cli.stats(journey_id, run_id)
    call_visits = [event for event in events_of(events, type_="entered") if event["node_id"] == "call_1"]
    assert final["calls_placed"] == len(call_visits)
    assert final["sms_sent"] == len(rows)


# --- cancel while calls wait ------------------------------------------------------------------------------


def test_cancel_during_calls_moves_no_one(cli: Cli) -> None:
    cli.register()
    rows = [{"phone_number": f"+1202555010{i}", "customer_name": f"Name {i}"} for i in range(1, 5)]
    latency = 2.0
    journey_id, run_id = cli.start_run(
        load_scenario("call_then_text"), rows,
        "--sim-latency", f"{latency:g}", "--no-calling-window", "--max-concurrent-calls", "2",
    )

    cli.drain()
    assert {r["status"] for r in cli.recipients(run_id)} == {"waiting"}, "the calls should still be waiting"
    cancelled = cli.json("run", "cancel", run_id)
    time.sleep(latency + 0.3)
    cli.drain()

    assert cancelled["status"] == "cancelled"
    assert cli.show_run(run_id)["status"] == "cancelled"
    assert {r["status"] for r in cli.recipients(run_id)} == {"cancelled"}

    events = cli.export_events(run_id)
    # Two calls were in progress. The two queued behind the concurrency limit were dropped.
    placed = events_of(events, type_="call_placed")
    assert len(placed) == 2
    late_results = events_of(events, type_="call_result")
    assert sorted(event["phone_number"] for event in late_results) == sorted(event["phone_number"] for event in placed)
    for result in late_results:
        cancel_event = events_of(events, result["phone_number"], "cancelled")[0]
        assert events.index(result) > events.index(cancel_event), result
    assert events_of(events, type_="sms_sent") == []
    moved_on = [event for event in events_of(events, type_="entered") if event["node_id"] not in ("start", "call_1")]
    assert moved_on == []
    assert cli.stats(journey_id, run_id)["sms_sent"] == 0


# --- a scheduled start -----------------------------------------------------------------------------------------


def test_scheduled_start_waits_for_its_time(cli: Cli) -> None:
    journey_id = cli.create_journey(load_scenario("branch_on_missing_value"))
    run_id = cli.create_run(journey_id, *QUICK_RUN)
    cli.import_rows(run_id, [{"phone_number": "+12025550101", "plan": "premium"}])
    # The lead time covers the scheduling command and one drain, each a new Python process.
    start_at = (datetime.now(ZoneInfo(NEW_YORK)) + timedelta(seconds=10)).replace(microsecond=0)
    local = start_at.strftime("%Y-%m-%d %H:%M:%S")

    scheduled = cli.json("run", "start", run_id, "--at", local, "--timezone", NEW_YORK)
    cli.drain()
    assert datetime.now(UTC) < start_at, "the early drain ended after the start time; raise the lead time"

    assert scheduled["status"] == "scheduled"
    early = cli.show_run(run_id)
    assert early["status"] == "scheduled"
    assert parse_utc(early["scheduled_at"]) == start_at.astimezone(UTC)
    assert early["schedule_local"] == f"{local} {NEW_YORK}"
    assert early["stats"]["by_status"]["pending"] == 1
    assert cli.export_events(run_id) == []

    time.sleep(max(0.0, (start_at - datetime.now(UTC)).total_seconds()) + 0.2)
    run = cli.drain_until_finished(run_id)

    assert run["status"] == "completed"
    assert parse_utc(run["started_at"]) >= start_at


def test_schedule_in_repeated_hour_means_first(cli: Cli) -> None:
    journey_id = cli.create_journey(load_scenario("branch_on_missing_value"))
    run_id = cli.create_run(journey_id, *QUICK_RUN)
    cli.import_rows(run_id, [{"phone_number": "+12025550101"}])

    # Clocks in New York go back from 02:00 EDT to 01:00 EST on 7 November 2027.
    scheduled = cli.json("run", "start", run_id, "--at", "2027-11-07 01:30", "--timezone", NEW_YORK)

    assert scheduled["status"] == "scheduled"
    assert parse_utc(scheduled["scheduled_at"]) == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


# --- illegal run transitions ------------------------------------------------------------------------------------


def test_illegal_run_transitions_are_rejected(cli: Cli, tmp_path: Path) -> None:
    slow = with_delay(load_scenario("delay_then_end"), "wait", 60, "minutes")
    slow_journey = cli.create_journey(slow, "slow.json")
    quick_journey = cli.create_journey(load_scenario("branch_on_missing_value"), "quick.json")
    rows = [{"phone_number": "+12025550101"}]
    draft = cli.create_run(slow_journey, *QUICK_RUN)
    running = cli.create_run(slow_journey, *QUICK_RUN)
    cli.import_rows(running, rows)
    cli.run("run", "start", running)
    completed = cli.create_run(quick_journey, *QUICK_RUN)
    cli.import_rows(completed, rows)
    cli.run("run", "start", completed)
    cli.drain_until_finished(completed)
    more = write_csv(tmp_path / "more.csv", [{"phone_number": "+12025550109"}])
    before = {run_id: cli.show_run(run_id) for run_id in (draft, running, completed)}

    cases = [
        # (command, run id, its status, the status the message must name as allowed)
        (("run", "pause", draft), draft, "draft", "running"),
        (("run", "resume", running), running, "running", "paused"),
        (("run", "start", completed), completed, "completed", "draft"),
        (("run", "delete", running), running, "running", "draft"),
        (("run", "import", running, more), running, "running", "draft"),
        (("run", "unschedule", draft), draft, "draft", "scheduled"),
    ]
    for command, run_id, status, allowed in cases:
        result = cli.run(*command, expect_exit=None)
        after = cli.show_run(run_id)

        case = f"{command[1]} on a {status} run"
        assert result.exit_code == 1, f"{case}: {result.describe()}"
        message = result.stderr.strip()
        assert f"run {run_id}" in message, case
        assert status in message, case
        assert allowed in message, case
        assert "Traceback" not in result.stderr, case
        assert after["status"] == status, case
        assert after["stats"]["recipients"] == before[run_id]["stats"]["recipients"], case
        assert after["updated_at"] == before[run_id]["updated_at"], case


# --- an export re-imports cleanly ------------------------------------------------------------------------------------


def test_export_reimports_cleanly(cli: Cli) -> None:
    cli.register()
    rows = [
        {"phone_number": "+12025550101", "customer_name": "Ann O'Hara", "balance": "12.5", "due_date": "2026-07-01"},
        {"phone_number": "(202) 555-0102", "customer_name": "Bob, Jr.", "balance": "3", "due_date": ""},
        {"phone_number": "+13125550123", "customer_name": 'Zoë "Z" Ünal', "balance": "0.75", "due_date": "2026-12-31"},
        {"phone_number": "+18085550101", "customer_name": "Two\nlines", "balance": "1000000", "due_date": ""},
    ]
    journey_id = cli.create_journey(load_scenario("voicemail_to_sms"))
    first = cli.create_run(journey_id, *QUICK_RUN)
    assert cli.import_rows(first, rows, "--default-region", "US")["accepted"] == len(rows)
    cli.run("run", "start", first)
    cli.drain_until_finished(first)
    exported = cli.folder / "exported.csv"
    cli.run("run", "export", first, "-o", exported)

    second = cli.create_run(journey_id, *QUICK_RUN, name="Retry wave")
    report = cli.json("run", "import", second, exported)

    assert report["rows"] == len(rows)
    assert report["accepted"] == len(rows)
    assert report["row_error_count"] == 0
    assert report["duplicate_count"] == 0
    original = {r["phone_number"]: r["data"] for r in cli.recipients(first)}
    reimported = {r["phone_number"]: r["data"] for r in cli.recipients(second)}
    assert reimported == original


# --- the step limit --------------------------------------------------------------------------------------------------------


def test_step_limit_stops_redial_loop(cli: Cli) -> None:
    cli.register()
    document = load_scenario("redial_loop")

    _, run_id = cli.start_run(document, [{"phone_number": "+12025550101"}], *QUICK_RUN, "--outcomes", "no_answer=1")
    run = cli.drain_until_finished(run_id)

    assert run["status"] == "completed"
    recipient = cli.export_recipients(run_id)[0]
    assert recipient["status"] == "failed"
    assert f"limit of {document['max_steps']} steps" in recipient["failure_reason"]
    # start, then (call_1, again, retry_wait) three times, is ten steps: the fourth call is never entered.
    assert recipient["calls_placed"] == "3"


# --- the calling window ------------------------------------------------------------------------------------------------------


def test_calling_window_waits_for_monday(simulator: Cli, tmp_path: Path) -> None:
    script = script_file(tmp_path, {"+18085550101": ["no_answer", "answered"], "+12025550101": ["no_answer", "answered"]})
    zones = {"+18085550101": "Pacific/Honolulu", "+12025550101": NEW_YORK}
    # An 8-hour retry after a call at 09:00 falls after 17:00, so it must wait for Tuesday.
    document = with_delay(load_scenario("retry_after_no_answer"), "wait", 8, "hours")
    rows = [{"phone_number": phone, "customer_name": "Lee"} for phone in zones]

    result = simulator.simulate(
        document, rows, "--script", str(script), "--calling-window", "mon-fri 09:00-17:00",
        "--start", "2026-06-13 08:00", "--timezone", NEW_YORK,
    )

    assert datetime(2026, 6, 13).strftime("%A") == "Saturday"
    assert result.summary["calls_placed"] == 4
    for phone, zone in zones.items():
        placed = [parse_utc(event["at"]).astimezone(ZoneInfo(zone)) for event in events_of(result.events, phone, "call_placed")]
        assert placed[0].replace(tzinfo=None) == datetime(2026, 6, 15, 9, 0), phone
        assert placed[1].replace(tzinfo=None) == datetime(2026, 6, 16, 9, 0), phone
        for local in placed:
            assert local.weekday() < 5, (phone, local)
            assert 9 <= local.hour < 17, (phone, local)


# --- concurrent calls and calls per second ----------------------------------------------------------------------------------------


def max_calls_in_progress(events: list[dict[str, str]]) -> int:
    """Replay events in stored order: a call is in progress from `call_placed` to `call_result`."""
    in_progress = highest = 0
    for event in events:
        if event["type"] == "call_placed":
            in_progress += 1
            highest = max(highest, in_progress)
        elif event["type"] == "call_result":
            in_progress -= 1
    return highest


def close_sends(events: list[dict[str, str]], types: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return consecutive sends of these types, in time order, less than a second apart.

    Export times are whole seconds. Sends a second or more apart always differ by
    at least one, but a gap of 0.9 s across a second boundary goes unseen.
    """
    sends = sorted((parse_utc(event["at"]), event["type"]) for event in events if event["type"] in types)
    return [
        (f"{earlier_type} {earlier:%H:%M:%S}", f"{later_type} {later:%H:%M:%S}")
        for (earlier, earlier_type), (later, later_type) in zip(sends, sends[1:], strict=False)
        if later - earlier < timedelta(seconds=1)
    ]


def test_limits_hold_in_simulation(simulator: Cli) -> None:
    rows = [{"phone_number": f"+1202555010{i}", "customer_name": f"Name {i}"} for i in range(1, 10)]

    result = simulator.simulate(
        load_scenario("call_then_text"), rows, "--no-calling-window", "--max-concurrent-calls", "2",
        "--outcomes", "busy=1,no_answer=1", "--start", "2026-06-10 09:00", "--timezone", "UTC",
    )

    assert result.summary["calls_placed"] == len(rows)
    assert max_calls_in_progress(result.events) == 2
    # `simulate` registers the journey's numbers at 1 call or SMS per second.
    assert close_sends(result.events, ("call_placed",)) == []
    assert close_sends(result.events, ("call_placed", "sms_sent")) == []


def test_limits_hold_on_database(cli: Cli) -> None:
    cli.register(calls_per_second=1)
    rows = [{"phone_number": f"+1202555010{i}", "customer_name": f"Name {i}"} for i in range(1, 4)]
    journey_id, run_id = cli.start_run(
        load_scenario("call_then_text"), rows, "--no-calling-window", "--max-concurrent-calls", "2", "--sim-latency", "2",
    )

    cli.drain_until_finished(run_id)

    # Whether two calls overlap here depends on when the drains run. The simulation
    # above checks that the limit is reached, and this test that it is never passed.
    assert max_calls_in_progress(cli.export_events(run_id)) <= 2
    # Export times are whole seconds, so the gaps are measured on each recipient's timeline.
    timeline = [
        event for recipient in cli.recipients(run_id)
        for event in cli.json("recipient", "show", recipient["id"])["events"]
        if event["type"] in ("call_placed", "sms_sent")
    ]
    sends = sorted(parse_utc(event["at"]) for event in timeline)
    assert len(sends) == 2 * len(rows)
    gaps = [later - earlier for earlier, later in zip(sends, sends[1:], strict=False)]
    assert [gap for gap in gaps if gap < timedelta(seconds=1)] == []
    assert cli.stats(journey_id, run_id)["calls_placed"] == len(rows)


def test_script_keys_match_formatted_numbers(simulator: Cli, tmp_path: Path) -> None:
    script = script_file(tmp_path, {"+1 (202) 555-0101": ["busy"], "+1 202-555-0102": ["voicemail"]})
    rows = [{"phone_number": "+12025550101"}, {"phone_number": "+12025550102"}]

    result = simulator.simulate(load_scenario("call_then_text"), rows, "--script", str(script), "--no-calling-window")

    outcomes = {event["phone_number"]: outcome_of(event) for event in events_of(result.events, type_="call_result")}
    assert outcomes == {"+12025550101": "busy", "+12025550102": "voicemail"}


# --- a journey update during a live run ------------------------------------------------------------------------------------------


def test_journey_update_during_live_run(cli: Cli) -> None:
    cli.register()
    # No worker runs between the drains, so the recipients stay at 'wait' however long the updates take.
    document = load_scenario("delay_then_end")
    rows = [{"phone_number": f"+1202555010{i}", "customer_name": f"Name {i}"} for i in range(1, 4)]
    journey_id, run_id = cli.start_run(document, rows, *QUICK_RUN)
    cli.drain()
    assert {r["status"] for r in cli.recipients(run_id)} == {"delayed"}, "the recipients should wait at 'wait'"

    removed = copy.deepcopy(document)
    removed["nodes"] = [node for node in removed["nodes"] if node["id"] != "wait"]
    removed["nodes"][0]["next"] = "done"
    rejected = cli.fails("journey", "update", journey_id, write_json(cli.folder / "removed.json", removed))
    assert "'wait'" in rejected.stderr
    assert "3 recipient" in rejected.stderr
    assert cli.json("journey", "show", journey_id)["current_version"] == 1

    added = copy.deepcopy(document)
    added["nodes"][1]["next"] = "text"
    added["nodes"].insert(2, {
        "id": "text", "type": "sms", "from_number": SENDER_NUMBER,
        "message": "Hi {{ customer_name }}, this step was added later.", "next": "done",
    })
    updated = cli.json("journey", "update", journey_id, write_json(cli.folder / "added.json", added))
    assert updated["version"] == 2
    assert {r["status"] for r in cli.recipients(run_id)} == {"delayed"}, "the update should land while they wait"

    run = cli.drain_until_finished(run_id)

    assert run["status"] == "completed"
    texts = sms_texts(cli.export_events(run_id))
    assert texts == {row["phone_number"]: f"Hi {row['customer_name']}, this step was added later." for row in rows}
