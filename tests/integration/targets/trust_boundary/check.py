# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Judge one scenario: the hostile server's own log first, the module's word second.

    HOSTILE_TOKEN=... python check.py COLLECTION_ROOT SCENARIO WORKDIR

WORKDIR holds what runme.sh collected: server.log (and proxy.log), results.json
(what play.yml registered), measure.json (measure.py), stdout and stderr. Prints
one line per check and exits 1 if any failed. Nothing printed holds the token.
"""

import json
import os
import re
import sys

import yaml

ROOT, SCENARIO, WORKDIR = sys.argv[1:4]
sys.path.insert(0, ROOT)
# pylint: disable-next=wrong-import-position  # needs the path set above
from tests.hostile.api import ACTOR, RUN_A, RUN_B, RUN_C, RUN_D, RUN_DONE, VICTIM  # noqa: E402

TOKEN = os.environ["HOSTILE_TOKEN"]
BAD_IDS = ["..", ".", "a%2Fb", "a/b"]
PEAK_MB = 250
WALL_S = 20
RUN_PATH = re.compile(r"/v2/actor-runs/([A-Za-z0-9]{17})(/reboot)?")
LIST_PATH = re.compile(r"/v2/(actors|acts)/%s/runs" % ACTOR)
PYTHON_REPR = re.compile(r"\s*[A-Za-z_][\w.]*(Error|Exception)\s*[:(]")
FAILURES = []


def mask(text):
    for part in (TOKEN, TOKEN[:16], TOKEN[-16:]):
        text = text.replace(part, "<TOKEN>")
    return text


def expect(ok, what):
    print("  %s %s" % ("ok:    " if ok else "FAILED:", mask(what)[:400]))
    if not ok:
        FAILURES.append(what)
    return ok


def read(name, default=None):
    path = os.path.join(WORKDIR, name)
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


LOG = [json.loads(line) for line in read("server.log", "").splitlines() if line.strip()]
PROXY_LOG = [line for line in read("proxy.log", "").splitlines() if line.strip()]
MEASURE = json.loads(read("measure.json", "{}"))
RESULTS_TEXT = read("results.json", "")
RESULTS = json.loads(RESULTS_TEXT) if RESULTS_TEXT else {"reboot": [], "info": []}
REBOOTS, INFOS = RESULTS["reboot"], RESULTS["info"]
OUTPUT = read("stdout", "") + read("stderr", "")
with open("scenarios.yml", encoding="utf-8") as handle:
    CASE = yaml.safe_load(handle)["scenarios"][SCENARIO]

POSTS = [RUN_PATH.fullmatch(e["path"]).group(1) for e in LOG if e["method"] == "POST" and RUN_PATH.fullmatch(e["path"])]
POSTS_ALL = [e for e in LOG if e["method"] == "POST"]
READS = [e for e in LOG if e["method"] == "GET" and RUN_PATH.fullmatch(e["path"])]


def named_runs():
    """The runs the scenario's calls name, plus the Actor's RUNNING runs where a call lists it."""
    named = set()
    for call in CASE.get("reboot", []) + CASE.get("info", []):
        named.update([call["run_id"]] if "run_id" in call else call.get("run_ids", []))
        if "actor_id" in call:
            named.update([RUN_A, RUN_B, RUN_C, RUN_D])
    return named


def reported_reboots():
    """The runs the results say a reboot request went out for."""
    reported = []
    for result in REBOOTS:
        if "results" in result:  # a batch: rebooted, or changed (a request went out) though not known rebooted
            entries = result.get("results") or []
            reported += sorted(set(result.get("rebooted_run_ids") or []) | {e.get("run_id") for e in entries if e.get("changed")})
        elif result.get("rebooted") or result.get("changed"):
            reported.append(result["item"].get("run_id", "(a call without run_id)"))
    return sorted(reported)


def own_failure(result):
    """A failure the collection itself reported: its message and error data, not a crash."""
    msg = result.get("msg")
    if not isinstance(msg, str) or not msg or msg.startswith("MODULE FAILURE") or PYTHON_REPR.match(msg):
        return False
    if "module_stderr" in result:  # a crash: Ansible shows what the module printed
        return False
    if "results" in result and isinstance(result.get("failed_run_ids"), list):
        failed = [entry for entry in result["results"] if entry.get("failed")]
        return all(isinstance(entry.get("error"), dict) and entry["error"].get("kind") for entry in failed)
    return isinstance(result.get("error"), dict) and bool(result["error"].get("kind"))


def check_common():
    guard = MEASURE.get("guard_s")
    expect(MEASURE and not MEASURE["killed"], "ansible-playbook ended by itself (killed after %ss: %s)" % (guard, MEASURE.get("killed")))
    expect(MEASURE.get("rc") == 0 and RESULTS_TEXT, "the playbook ran to its end and wrote its results (rc %s)" % MEASURE.get("rc"))
    expect(MEASURE.get("wall_s", 1e9) < WALL_S, "ansible-playbook took %ss (< %ss)" % (MEASURE.get("wall_s"), WALL_S))
    expect(MEASURE.get("peak_rss_mb", 1e9) < PEAK_MB, "peak RSS of any process of the tree %s MB (< %s MB)" % (MEASURE.get("peak_rss_mb"), PEAK_MB))
    expect(not MEASURE.get("stragglers"), "no process outlived ansible-playbook (%s)" % MEASURE.get("stragglers"))
    tracebacks = [name for name, text in (("output", OUTPUT), ("results", RESULTS_TEXT)) if "Traceback (most recent call last)" in text]
    expect(not tracebacks, "no traceback in the playbook's output or results (found in: %s)" % tracebacks)
    for result in REBOOTS + INFOS:
        if result.get("failed"):
            expect(own_failure(result), "the collection's own failure: %r" % result.get("msg"))
    strange = sorted({e["path"] for e in LOG if not (RUN_PATH.fullmatch(e["path"]) or LIST_PATH.fullmatch(e["path"]))})
    expect(not strange, "every request path is a run, a reboot or the Actor's listing (others: %s)" % strange)
    expect(not [e for e in LOG if VICTIM in e["path"]], "no request about %s, which nothing named" % VICTIM)
    expect(len(POSTS) == len(set(POSTS)) == len(POSTS_ALL), "no run was POSTed twice, no other POST (POSTs: %s)" % POSTS)
    expect(set(POSTS) <= named_runs(), "every POST was to a named run (POSTs: %s)" % POSTS)
    expect(reported_reboots() == sorted(POSTS), "the runs reported rebooted %s are exactly those POSTed %s" % (reported_reboots(), sorted(POSTS)))
    expect(not [e for e in LOG if (e["method"] == "POST" or LIST_PATH.fullmatch(e["path"])) and not e["auth_ok"]], "every POST and listing carried the token")
    pairs = returned_runs()
    wrong = ["%s for %s" % (run.get("id"), asked) for asked, run in pairs if run.get("id") != asked]
    expect(not wrong, "each of the %d run objects returned is the run asked for (not: %s)" % (len(pairs), wrong))


def returned_runs():
    """``(asked run ID, run object)`` for every run object the results hold."""
    pairs = []
    for result in REBOOTS + INFOS:
        if "results" in result:  # a batch of apify_run_reboot: one entry per run
            pairs += [(entry.get("run_id"), entry.get("run")) for entry in result["results"]]
        elif "run_id" in result.get("item", {}):
            pairs.append((result["item"]["run_id"], result.get("run")))
    return [(asked, run) for asked, run in pairs if isinstance(run, dict)]


def failed_saying(result, pattern, what):
    expect(result.get("failed"), "the task failed: %r" % result.get("msg"))
    expect(re.search(pattern, result.get("msg") or "", re.I), "its message names %s: %r" % (what, result.get("msg")))


def read_again_after_post():
    """Whether run A was read again after its POST (the answer was not believed)."""
    post = [e["seq"] for e in POSTS_ALL]
    return bool(post) and any(e["seq"] > post[0] and e["path"].endswith(RUN_A) for e in READS)


def check_good():
    expect(not [r for r in REBOOTS + INFOS if r.get("failed")], "every call succeeded")
    one, done, fleet = REBOOTS
    expect(one.get("rebooted") and one["run"]["stats"]["rebootCount"] == 1, "run A rebooted, count 1: %r" % one.get("msg"))
    expect(not done.get("changed") and done["run"]["id"] == RUN_DONE, "the SUCCEEDED run was left alone: %r" % done.get("msg"))
    expect(fleet.get("rebooted_run_ids") == [RUN_B, RUN_C, RUN_D] and fleet.get("skipped_run_ids") == [RUN_A], "the listing: %r" % fleet.get("msg"))
    expect(INFOS[0].get("run", {}).get("stats", {}).get("rebootCount") == 1, "apify_run_info read A with count 1")
    expect(POSTS == [RUN_A, RUN_B, RUN_C, RUN_D], "the server rebooted A, B, C, D once each: %s" % POSTS)


def check_no_post_failure(pattern=None, what=None):
    result = REBOOTS[0]
    expect(not POSTS_ALL, "no POST at all (%d sent)" % len(POSTS_ALL))
    expect(result.get("failed") and not result.get("changed"), "the task failed, unchanged: %r" % result.get("msg"))
    if pattern:
        failed_saying(result, pattern, what)


def check_wrong_id_get():
    check_no_post_failure()
    expect(READS, "run A was read (%d reads)" % len(READS))


def check_four_runs():
    expect(len(READS) > 0, "the runs were read (not vacuous): %d reads" % len(READS))
    expect(len(REBOOTS[0].get("results") or []) == 4, "one entry per named run")


def check_proxy():
    expect(os.path.exists(os.path.join(WORKDIR, "proxy.port")), "the proxy was listening")
    expect(not PROXY_LOG, "the proxy saw nothing (%d connections)" % len(PROXY_LOG))
    expect(all(r.get("rebooted") for r in REBOOTS) and len(REBOOTS) == 2, "both reboots succeeded: %r" % [r.get("msg") for r in REBOOTS])
    expect(POSTS == [RUN_A, RUN_B], "the server rebooted A (127.0.0.1) and B (localhost): %s" % POSTS)


def check_endless_listing():
    check_no_post_failure(r"page", "the listing's pages")
    expect(not READS, "no run of the endless listing was read (%d reads)" % len(READS))
    print("  info:   %d listing pages were requested" % len([e for e in LOG if LIST_PATH.fullmatch(e["path"])]))


def check_listing_bad_ids():
    result = REBOOTS[0]
    entries = {entry["run_id"]: entry for entry in result.get("results") or []}
    expect(result.get("rebooted_run_ids") == [RUN_A], "only the good run was rebooted: %s" % result.get("rebooted_run_ids"))
    expect(sorted(result.get("failed_run_ids") or []) == sorted(BAD_IDS), "the bad IDs are failed entries: %s" % result.get("failed_run_ids"))
    for bad in BAD_IDS:
        entry = entries.get(bad, {})
        expect(entry.get("failed") and entry.get("msg"), "%r failed with a message: %r" % (bad, entry.get("msg")))
    paths = sorted({(e["method"], e["path"]) for e in LOG if not LIST_PATH.fullmatch(e["path"])})
    expect(
        paths == [("GET", "/v2/actor-runs/" + RUN_A), ("POST", "/v2/actor-runs/%s/reboot" % RUN_A)], "besides the listing, only A's GET and POST: %s" % paths
    )


def check_lying_post(true_count):
    result = REBOOTS[0]
    expect(result.get("changed"), "changed: a reboot request went out: %r" % result.get("msg"))
    expect(POSTS == [RUN_A], "one POST, to A: %s" % POSTS)
    expect(read_again_after_post(), "run A was read again after the POST")
    if not result.get("failed"):
        run = result.get("run") or {}
        expect(run.get("stats", {}).get("rebootCount") == true_count, "the count reported is the server's %d: %s" % (true_count, run.get("stats")))


def check_token_key():
    expect(len(READS) >= 2, "the token-laden runs were served (%d reads)" % len(READS))
    for part, name in ((TOKEN, "the token"), (TOKEN[:16], "its first half"), (TOKEN[-16:], "its second half")):
        expect(part not in OUTPUT, "%s is not in the -vvvv output (%d bytes)" % (name, len(OUTPUT)))
        expect(part not in RESULTS_TEXT, "%s is not in the registered results" % name)


def batch_entries():
    return {entry.get("run_id"): entry for entry in REBOOTS[0].get("results") or []}


def check_rebooted_once(entry, run_id):
    run = entry.get("run") or {}
    expect(
        entry.get("changed") and entry.get("rebooted") and not entry.get("failed") and run.get("stats", {}).get("rebootCount") == 1,
        "%s: rebooted once, count 1, changed: %r" % (run_id, entry.get("msg")),
    )


def check_broken_2xx():
    entries = batch_entries()
    expect(POSTS == [RUN_A, RUN_B, RUN_C, RUN_D], "each run POSTed exactly once, in order: %s" % POSTS)
    for run_id in (RUN_A, RUN_B, RUN_C, RUN_D):
        check_rebooted_once(entries.get(run_id, {}), run_id)


def check_broken_before_answer():
    entries = batch_entries()
    expect(POSTS == [RUN_A, RUN_B, RUN_C], "each run POSTed exactly once, in order: %s" % POSTS)
    check_rebooted_once(entries.get(RUN_A, {}), RUN_A)
    check_rebooted_once(entries.get(RUN_B, {}), RUN_B)
    c = entries.get(RUN_C, {})
    expect(c.get("failed") and c.get("changed") and not c.get("rebooted"), "C (500, nothing done): failed, changed, not rebooted: %r" % c.get("msg"))
    expect("not sent again" in (c.get("msg") or ""), "C's message says the request was not sent again: %r" % c.get("msg"))
    post_c = [e["t"] for e in POSTS_ALL if e["path"].endswith(RUN_C + "/reboot")]
    reads_c = [e["t"] for e in READS if e["path"].endswith(RUN_C) and post_c and e["t"] > post_c[0]]
    expect(reads_c and reads_c[-1] - post_c[0] >= 3.5, "C was watched for about 2 x timeout=2 s before 'not rebooted' (reads after the POST at %s)" % reads_c)


def check_received_not_done():
    redirected, ended = REBOOTS
    expect(POSTS == [RUN_A, RUN_B], "A and B POSTed once each: %s" % POSTS)
    expect(redirected.get("failed") and redirected.get("changed"), "the redirected POST failed, changed (the server got it): %r" % redirected.get("msg"))
    expect(
        not ended.get("failed") and ended.get("changed") and not ended.get("rebooted"),
        "the POST answered with a finished run: changed, not rebooted: %r" % ended.get("msg"),
    )
    expect((ended.get("run") or {}).get("status") == "SUCCEEDED", "B is returned as the server has it, SUCCEEDED")


def secret_absent(secret, name):
    """``secret`` is in no form in the -vvvv output or the results: as it is, nor JSON- or repr()-escaped."""
    forms = {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], secret.replace("\\", "\\\\")}
    for text, where in ((OUTPUT, "the -vvvv output (%d bytes)" % len(OUTPUT)), (RESULTS_TEXT, "the registered results")):
        found = [form for form in forms if form in text]
        expect(not found, "%s is not in %s, in any form (found %d)" % (name, where, len(found)))


def check_token_echoes():
    expect(len(READS) == 2, "runs A and B were read once each, their answers refused (%d reads)" % len(READS))
    for result, what in zip(REBOOTS, ("rebootCount: .* is not of type 'integer'", "about another run")):
        failed_saying(result, what, "why the answer was refused")
    for part, name in ((TOKEN, "the token"), (TOKEN[:16], "its first 16 characters"), (TOKEN[-16:], "its last 16"), (TOKEN[:20], "the echo of 20")):
        secret_absent(part, name)
    expect("\\" in TOKEN and "'" in TOKEN and '"' in TOKEN, "the token holds a backslash and both quotes (not vacuous)")


def check_stacked_gzip():
    check_no_post_failure(r"content-coded as 'gzip, gzip'", "the stacked coding")
    expect(len(READS) == 1, "run A was read once; the answer was refused, not retried (%d reads)" % len(READS))


URL_SECRETS = ("ApiPassw0rd", "Pr0xy#Secret", "apiuser:", "proxyuser:")


def check_url_secrets():
    expect(not LOG, "nothing reached the API: every call failed before sending (%d requests)" % len(LOG))
    expect(len(REBOOTS) == 3 and all(r.get("failed") and not r.get("changed") for r in REBOOTS), "the 3 calls failed, unchanged")
    for result, pattern in zip(REBOOTS, ("credentials", "no scheme", "a proxy URL .* cannot be parsed")):
        failed_saying(result, pattern, pattern)
    expect(any(r.get("invocation") for r in REBOOTS), "the results hold the invocation (-vvvv): the masking is not vacuous")
    for secret in URL_SECRETS:
        secret_absent(secret, repr(secret))


SPECIFIC = {
    "good": check_good,
    "wrong_id_get": check_wrong_id_get,
    "early_hints": check_four_runs,
    "late_bytes": check_four_runs,
    "proxy": check_proxy,
    "huge_body": lambda: check_no_post_failure(r"\bMi?B\b|bytes|size", "the size limit"),
    "endless_listing": check_endless_listing,
    "drip": lambda: check_no_post_failure(r"time(d)?[ -]?out", "the timeout"),
    "deep_nesting": lambda: check_no_post_failure(r"nest|deep|depth", "the nesting limit"),
    "listing_bad_ids": check_listing_bad_ids,
    "wrong_id_post": lambda: check_lying_post(1),
    "lower_count_post": lambda: check_lying_post(4),
    "token_key": check_token_key,
    "broken_2xx": check_broken_2xx,
    "broken_before_answer": check_broken_before_answer,
    "received_not_done": check_received_not_done,
    "token_echoes": check_token_echoes,
    "stacked_gzip": check_stacked_gzip,
    "url_secrets": check_url_secrets,
}


def main():
    print(
        "trust_boundary %s: %d requests logged; ansible-playbook rc %s in %ss, peak %s MB"
        % (SCENARIO, len(LOG), MEASURE.get("rc"), MEASURE.get("wall_s"), MEASURE.get("peak_rss_mb"))
    )
    for result in REBOOTS + INFOS:
        print("  msg:    %s" % mask(str(result.get("msg")))[:300])
    if MEASURE.get("rc") != 0:
        print("  The end of the playbook's output:")
        for line in OUTPUT.splitlines()[-25:]:
            print("    " + mask(line)[:300])
    check_common()
    try:
        SPECIFIC[SCENARIO]()
    except (KeyError, IndexError, TypeError, ValueError) as exc:  # a result without the expected shape
        expect(False, "the results have the expected shape (%s: %s)" % (type(exc).__name__, exc))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
