"""The engine benchmark's journey as one durable DBOS workflow per recipient.

Run as a child process, because DBOS is a process-wide singleton:
`python -m benchmarks.dbosrun SYSTEM_DATABASE_URL RECIPIENTS`. It prints one JSON
line with the wall time and the counts read back from DBOS's system database.

The workflow mirrors the Journeys benchmark journey node for node: start, a call
step on a zero-latency simulated provider, a branch on its outcome, a durable
sleep standing for the time delay, an SMS step and the end. Each of those six is
one "recipient step", as one `entered` event is in Journeys.
"""

from __future__ import annotations

import json
import random
import sys
import time

from dbos import DBOS, DBOSConfig

NODE_VISITS_PER_RECIPIENT = 6
# The durable sleep that stands for the one-hour delay: DBOS still records the
# wake-up time and checks it, but the benchmark does not wait an hour of wall time.
DELAY_SECONDS = 0.0
OUTCOMES = ("answered", "voicemail", "no_answer", "busy")
WEIGHTS = (0.5, 0.2, 0.25, 0.05)


@DBOS.step()
def place_call(phone_number: str) -> str:
    """Decide the call's outcome at once, as the zero-latency simulator does."""
    return random.Random(phone_number).choices(OUTCOMES, weights=WEIGHTS)[0]


@DBOS.step()
def send_sms(phone_number: str, message: str) -> str:
    return "delivered"


@DBOS.workflow()
def journey(phone_number: str, customer_name: str) -> str:
    outcome = place_call(phone_number)
    answered = outcome == "answered"
    DBOS.sleep(DELAY_SECONDS)
    if answered:
        send_sms(phone_number, f"Thank you for your time, {customer_name}.")
        return "contacted"
    send_sms(phone_number, f"Hi {customer_name}, we tried to call you. Reply to this text to talk.")
    return "unreached"


def main(url: str, recipients: int) -> None:
    config: DBOSConfig = {"name": "journeys-bench", "system_database_url": url, "run_admin_server": False, "log_level": "WARNING"}
    DBOS(config=config)
    DBOS.launch()

    started = time.perf_counter()
    handles = [
        DBOS.start_workflow(journey, f"+1202555{index:04d}", f"Customer {index}") for index in range(recipients)
    ]
    results = [handle.get_result() for handle in handles]
    elapsed = time.perf_counter() - started

    succeeded = len(DBOS.list_workflows(status="SUCCESS", load_input=False, load_output=False))
    DBOS.destroy()
    print(json.dumps({
        "seconds": elapsed, "workflows": len(results), "succeeded": succeeded,
        "steps": succeeded * NODE_VISITS_PER_RECIPIENT,
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
