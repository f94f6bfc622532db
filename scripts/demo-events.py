# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make demo-events: a run fails, Apify (the emulator) calls the webhook, ansible-rulebook with the
shipped rulebook apify.platform.resurrect_failed_runs resurrects it; it fails again and, past the
loop guard (apify_max_resurrect_count: 1), the notification playbook runs. No Apify account."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "eda"))

# pylint: disable=wrong-import-position
from rulebook_harness import ACTOR, Emulator, Rulebook, install_collection, wait_for, webhook, workdir  # noqa: E402


MAX_RESURRECT = 1
STARTED = time.monotonic()


def say(text):
    print("\n== [%4.1f s] %s" % (time.monotonic() - STARTED, text), flush=True)


def resurrects(emulator, run_id):
    return len(emulator.log("POST", "/v2/actor-runs/%s/resurrect" % run_id))


def show(emulator, run_id):
    run = emulator.control("GET", "/runs/%s" % run_id)
    print("   run %s: %s, resurrectCount %s" % (run_id, run["status"], run["stats"].get("resurrectCount")), flush=True)


def main():
    work = workdir()
    emulator = Emulator(work)
    rulebook = None
    try:
        say("Installing the collection and starting ansible-rulebook --rulebook apify.platform.resurrect_failed_runs")
        rulebook = Rulebook(work, install_collection(work), emulator, verbosity="-v", max_resurrect=MAX_RESURRECT)
        print("   the source listens on %s; watched Actor %s, apify_max_resurrect_count %d" % (rulebook.url, ACTOR, MAX_RESURRECT))
        say("Registering the webhook (ACTOR.RUN.FAILED, ACTOR.RUN.TIMED_OUT), its secret in headersTemplate")
        hook = webhook(emulator, rulebook.url)
        print("   webhook %s -> %s" % (hook["id"], hook["requestUrl"]))
        [run_id] = emulator.control("POST", "/runs", {"count": 1, "template": {"status": "RUNNING", "actId": ACTOR}})
        for attempt in range(1, MAX_RESURRECT + 2):
            say("The run fails (%d)" % attempt)
            emulator.control("PATCH", "/runs/%s" % run_id, {"status": "FAILED"})
            show(emulator, run_id)
            if attempt <= MAX_RESURRECT:
                if not wait_for(lambda n=attempt: resurrects(emulator, run_id) >= n, 45):
                    raise SystemExit("demo-events: no resurrect arrived; the rulebook's output:\n" + rulebook.text()[-3000:])
                wait_for(lambda: emulator.control("GET", "/runs/%s" % run_id)["status"] == "RUNNING", 10)
                print("   ansible-rulebook resurrected it (POST /v2/actor-runs/%s/resurrect):" % run_id)
                show(emulator, run_id)
            else:
                note = "APIFY NOTIFY: Apify run %s" % run_id
                if not wait_for(lambda: note in rulebook.text(), 45):
                    raise SystemExit("demo-events: the notification did not run; the rulebook's output:\n" + rulebook.text()[-3000:])
                print("   past the loop guard: left alone, and the notification playbook said:")
                line = next(line for line in rulebook.text().splitlines() if note in line)
                print("   " + line[line.index("APIFY NOTIFY:") :].rstrip().rstrip('"'))
        print("\n   resurrect requests the API received for the run: %d (the guard: %d)" % (resurrects(emulator, run_id), MAX_RESURRECT))
        say("Done")
    finally:
        if rulebook is not None:
            rulebook.stop()
        emulator.stop()


if __name__ == "__main__":
    main()
