# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ratios, targets, the Markdown report and the chart of one `make bench` run."""

ORDER = ("a", "b", "c", "d_seq", "d_conc", "fixed")
CHART_LABELS = {
    "a": "(a) ansible.builtin.uri:\nGET + POST, two looped tasks",
    "b": "(b) apify_run_reboot,\nlooped over run_id",
    "c": "(c) apify_run_reboot,\nrun_ids, concurrency %d",
    "d_seq": "(d) apify-client,\nsequential",
    "d_conc": "(d) apify-client async,\nconcurrency %d",
}
MEMORY_LIMIT_MB = 150
# The module's CPU per API request against apify-client's (N = memory-n, no latency).
CPU_LIMIT_X = 2.0


def derive(data):
    """Everything the report shows, computed from the measured medians."""
    params = data["parameters"]
    main = {s["key"]: s for s in data["summary"] if s["phase"] == "main"}
    n, latency, concurrency = params["n"], params["latency_ms"] / 1000.0, params["concurrency"]
    fixed = main["fixed"]["wall_s"]
    floor = 2 * n * latency / concurrency + fixed

    def at_n(key):
        """Wall time for N runs. A contender measured on fewer runs keeps its own start-up (until the
        first request) and tail (after the last answer); the span between, the loop, is scaled linearly."""
        s = main[key]
        if not s["n"] or s["n"] == n:
            return s["wall_s"]
        loop = s["profile"]["requests_s"]
        return s["wall_s"] - loop + loop * n / s["n"]

    a_at_n = at_n("a")
    rows = []
    for key in ORDER:
        s = main[key]
        wall = at_n(key)
        rows.append(dict(s, wall_at_n=wall, scaled=bool(s["n"]) and s["n"] != n, vs_a=a_at_n / wall, vs_floor=wall / floor))
    by_key = {row["key"]: row for row in rows}
    memory = [s for s in data["summary"] if s["phase"] == "memory"]
    c_mem = next((s for s in memory if s["key"] == "c"), None)
    scaled = " (a) and (b) measured at N=%d, scaled to N=%d" % (params["slow_n"], n) if params["slow_n"] != n else ""
    # The figures HTTP on requests must reach; (c) vs (a) stays from the first benchmark.
    requests_c, requests_d = main["c"]["profile"]["requests_s"], main["d_conc"]["profile"]["requests_s"]
    targets = [
        _target("(c) at least 50x faster than (a) at N=%d%s" % (n, scaled), by_key["c"]["vs_a"], ">=", 50, "x"),
        _target("(c) within 1.3x of the floor", by_key["c"]["vs_floor"], "<=", 1.3, "x"),
        _target("(b) at least 1.6x faster than (a)", by_key["b"]["vs_a"], ">=", 1.6, "x"),
        _target(
            "(c)'s requests (first request to last answer) within 1.3x of concurrent (d)'s, the same %d requests" % (2 * n),
            requests_c / requests_d,
            "<=",
            1.3,
            "x",
        ),
    ]
    if c_mem:
        targets.append(
            _target("peak memory of (c) with N=%d runs (no latency), whole tree" % c_mem["n"], c_mem["tree_pss_peak_mb"], "<", MEMORY_LIMIT_MB, " MB")
        )
    cpu = cpu_per_request(main, memory)
    if cpu:
        targets.append(
            _target(
                "(c)'s module CPU per request within %gx of concurrent (d)'s, N=%d, no latency (%.3f ms against %.3f ms)"
                % (CPU_LIMIT_X, cpu["n"], cpu["c_module_ms"], cpu["d_ms"]),
                cpu["c_module_ms"] / cpu["d_ms"],
                "<=",
                CPU_LIMIT_X,
                "x",
            )
        )
    return {
        "fixed_s": fixed,
        "floor_s": floor,
        "floor_sequential_s": 2 * n * latency + fixed,
        "rows": rows,
        "memory": memory,
        "targets": targets,
        "cpu": cpu,
    }


def cpu_per_request(main, memory):
    """CPU per API request of (c) and concurrent (d) on the same N runs without latency (2 requests a run).

    (c): the module process alone (its start-up, the requests, Ansible's handling of the result
    inside the module: no_log scrub and JSON), and the whole tree (the controller added);
    (d): its whole process (Python start-up and imports included). The fixed-cost task's figures
    (``run_ids: []``) show what does not depend on N.
    """
    c = next((s for s in memory if s["key"] == "c"), None)
    d = next((s for s in memory if s["key"] == "d_conc"), None)
    if not c or not d or not c["n"] or not c.get("module_cpu_s"):
        return None
    requests = 2.0 * c["n"]
    fixed = main.get("fixed", {})
    return {
        "n": c["n"],
        "requests": requests,
        "c_module_s": c["module_cpu_s"],
        "c_tree_s": c["cpu_s"],
        "c_controller_s": c["cpu_s"] - c["module_cpu_s"],
        "fixed_module_s": fixed.get("module_cpu_s", 0.0),
        "fixed_tree_s": fixed.get("cpu_s", 0.0),
        "d_s": d["cpu_s"],
        "c_module_ms": 1000 * c["module_cpu_s"] / requests,
        "c_tree_ms": 1000 * c["cpu_s"] / requests,
        "d_ms": 1000 * d["cpu_s"] / requests,
    }


def cpu_table(data):
    cpu = data["derived"].get("cpu")
    if not cpu:
        return "Not measured (no N=%d run of (c) and concurrent (d) without latency)." % data["parameters"]["memory_n"]
    lines = [
        "| N = %d, no latency, %d requests | CPU (s) | CPU per request (ms) | x (d) |" % (cpu["n"], cpu["requests"]),
        "|---|---:|---:|---:|",
        "| (c) the module process | %.1f | %.3f | %.2f |" % (cpu["c_module_s"], cpu["c_module_ms"], cpu["c_module_ms"] / cpu["d_ms"]),
        "| (c) the controller (ansible-playbook and its worker: start-up, the module's result) | %.1f | %.3f | |"
        % (cpu["c_controller_s"], 1000 * cpu["c_controller_s"] / cpu["requests"]),
        "| (c) whole tree | %.1f | %.3f | %.2f |" % (cpu["c_tree_s"], cpu["c_tree_ms"], cpu["c_tree_ms"] / cpu["d_ms"]),
        "| (d) apify-client async, whole process | %.1f | %.3f | 1.00 |" % (cpu["d_s"], cpu["d_ms"]),
        "| fixed cost (`run_ids: []`): module process / whole tree | %.1f / %.1f | | |" % (cpu["fixed_module_s"], cpu["fixed_tree_s"]),
    ]
    return "\n".join(lines)


def _target(name, value, op, goal, unit):
    met = {">=": value >= goal, "<=": value <= goal, "<": value < goal}[op]
    return {"name": name, "value": value, "op": op, "goal": goal, "unit": unit, "met": met}


def _fmt(value, digits=2):
    return "%.*f" % (digits, value)


def table(data):
    derived, params = data["derived"], data["parameters"]
    lines = [
        "| Contender | N | Wall time (s) | x faster than (a) | x the floor | Peak memory: tree PSS (MB) "
        "| tree RSS (MB) | largest process (MB) | CPU (s) | API requests |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in derived["rows"]:
        wall = _fmt(row["wall_s"])
        if row["scaled"]:
            wall += " (-> %s at N=%d)" % (_fmt(row["wall_at_n"], 1), params["n"])
        if len(row["walls"]) > 1:
            wall += " [%s-%s]" % (_fmt(min(row["walls"])), _fmt(max(row["walls"])))
        lines.append(
            "| %s | %d | %s | %s | %s | %.0f | %.0f | %.0f | %.1f | %d + %d |"
            % (
                row["label"],
                row["n"],
                wall,
                _fmt(row["vs_a"], 1),
                _fmt(row["vs_floor"]),
                row["tree_pss_peak_mb"],
                row["tree_rss_peak_mb"],
                row["largest_process_rss_mb"],
                row["cpu_s"],
                row["gets"],
                row["reboots"],
            )
        )
    lines.append(
        "| floor: 2 x N x latency / concurrency + fixed cost | %d | %s | %s | 1.00 | | | | | |"
        % (params["n"], _fmt(derived["floor_s"]), _fmt(derived["rows"][0]["wall_at_n"] / derived["floor_s"], 1))
    )
    return "\n".join(lines)


PROFILE_COLUMNS = (
    ("controller_until_module_s", "Start to module process start"),
    ("module_until_first_request_s", "Module start to first request"),
    ("before_first_request_s", "Start to first request"),
    ("requests_s", "First request to last answer"),
    ("module_after_last_answer_s", "Last answer to module exit"),
    ("after_last_answer_s", "Last answer to end"),
    ("controller_after_module_s", "Module exit to end"),
)


def profile_table(data):
    """Seconds by stage; a blank cell is a stage that does not apply (no requests, or many modules)."""
    lines = [
        "| Contender | N | Wall time | %s | Module processes: count, seconds alive in all |" % " | ".join(title for _key, title in PROFILE_COLUMNS),
        "|---|---:|---:|%s---:|" % ("---:|" * len(PROFILE_COLUMNS)),
    ]
    for s in data["summary"]:
        if s["phase"] == "warmup":
            continue
        p = s["profile"]
        cells = [_fmt(p[key]) if key in p else "" for key, _title in PROFILE_COLUMNS]
        modules = "%d, %s" % (p["module_processes"], _fmt(p["module_seconds"])) if p["module_processes"] else ""
        lines.append(
            "| %s%s | %d | %s | %s | %s |" % (s["label"], ", no latency" if not s["latency_ms"] else "", s["n"], _fmt(s["wall_s"]), " | ".join(cells), modules)
        )
    return "\n".join(lines)


def memory_table(data):
    lines = [
        "| Contender | N | Latency (ms) | Wall time (s) | Peak memory: tree PSS (MB) | tree RSS (MB) | largest process (MB) | CPU (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    fixed = next(s for s in data["summary"] if s["key"] == "fixed" and s["phase"] == "main")
    for s in [fixed] + data["derived"]["memory"]:
        lines.append(
            "| %s | %d | %g | %s | %.0f | %.0f | %.0f | %.1f |"
            % (s["label"], s["n"], s["latency_ms"], _fmt(s["wall_s"]), s["tree_pss_peak_mb"], s["tree_rss_peak_mb"], s["largest_process_rss_mb"], s["cpu_s"])
        )
    return "\n".join(lines)


def targets_text(data):
    return "\n".join(
        "- %s %s: %s%s (target %s %g%s)"
        % ("MET " if t["met"] else "MISSED", t["name"], _fmt(t["value"], 1 if t["unit"] == " MB" else 2), t["unit"], t["op"], t["goal"], t["unit"])
        for t in data["derived"]["targets"]
    )


def markdown(data, png_name):
    params, env, derived = data["parameters"], data["environment"], data["derived"]
    return "\n".join(
        [
            "# Benchmark: rebooting many Apify runs from Ansible",
            "",
            "Written by `make bench` (benchmarks/bench.py) on %s, in %d s. Every figure below comes from this one run." % (env["date"], env["bench_seconds"]),
            "",
            "Each contender reboots N fresh `RUNNING` runs of the same Apify API emulator "
            "(tests/emulator), which adds **%g ms to every API request**; afterwards the emulator must "
            "have seen N reboot requests and every run must have been rebooted exactly once. Concurrency "
            "of (c) and concurrent (d): **%d** (the module's default). Fast contenders: median of %d "
            "interleaved measurements, [min-max]; (a) and (b): one measurement each." % (params["latency_ms"], params["concurrency"], params["repeat"]),
            "",
            "Machine: %s, %d CPUs, %s. %s, %s, apify-client %s. Collection at commit %s%s. Load average "
            "before / after: %s / %s."
            % (
                env["cpu"],
                env["cpus"],
                env["os"],
                env["ansible"],
                env["python"],
                env["apify_client"],
                env["commit"],
                " with uncommitted changes in plugins/" if env["dirty"] else "",
                " ".join("%.2f" % x for x in env["load_before"]),
                " ".join("%.2f" % x for x in env["load_after"]),
            ),
            "",
            "## Wall time, N = %d, latency %g ms" % (params["n"], params["latency_ms"]),
            "",
            table(data),
            "",
            "The floor is 2 x %d x %g ms / %d + %.2f s (the fixed cost: `ansible-playbook` with one "
            "`apify_run_reboot` task on `run_ids: []`) = %.2f s. Sequentially (concurrency 1) it would be %.2f s."
            % (params["n"], params["latency_ms"], params["concurrency"], derived["fixed_s"], derived["floor_s"], derived["floor_sequential_s"]),
            "",
            "![Wall time and peak memory](%s)" % png_name,
            "",
            "## Targets",
            "",
            targets_text(data),
            "",
            "## Where the time goes",
            "",
            "Seconds, medians like the wall times. Request times come from the emulator's log (arrival of "
            "the first request; arrival of the last one plus the latency); module processes (python "
            "running an `AnsiballZ_*.py`) from the memory sampler, which sees a process from its first to "
            "its last 10 ms sample. With one module process, the columns split the wall time: controller "
            "start-up, module start-up (interpreter, imports, argument checks), the API requests, the "
            "module's exit (building, scrubbing and serialising its result), and the controller's handling "
            "of the result until the process ends.",
            "",
            profile_table(data),
            "",
            "## CPU per request",
            "",
            "User + system CPU time. The module process is sampled with the tree every 10 ms (its last "
            "sample is at most 10 ms before it ends); the controller's share is the tree's CPU less the "
            "module's. The emulator runs in its own process and counts for no contender.",
            "",
            cpu_table(data),
            "",
            "## Peak memory",
            "",
            memory_table(data),
            "",
            "## How it is measured",
            "",
            "- Wall time: from just before the process (`ansible-playbook` or `python`) is started to just after it is reaped.",
            "- Peak memory, tree PSS (the figure the memory target is checked on): the largest sum of PSS "
            "(proportional set size: a page shared by k processes counts 1/k in each) over the process and "
            "all its descendants (controller, forked worker, module process), with psutil. PSS is read "
            "whenever the RSS sum, sampled every 10 ms, reaches a new high, and every 0.2 s.",
            "- Tree RSS: the largest sum of RSS over the same processes, every 10 ms. Pages a forked worker "
            "shares with the controller count twice, so it is an upper bound.",
            "- Largest process: `ru_maxrss` from `os.wait4()` on the process: the peak RSS of the largest single process of the tree (exact, not sampled).",
            "- CPU: user + system time of the whole tree, from the same `wait4()`.",
            "- The playbooks are in benchmarks/playbooks/: `hosts: localhost`, `gather_facts: false`, "
            "`ansible_python_interpreter` set to the venv's Python, default forks, strategy and callback. "
            "(d) is benchmarks/apify_client_reboot.py, in its own venv (.venvs/bench); its wall time "
            "includes starting Python and importing apify-client, as a user's script would.",
            "",
        ]
    )


def chart(data, path):
    import matplotlib  # pylint: disable=import-outside-toplevel  # only the bench venv has it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    params, derived = data["parameters"], data["derived"]
    rows = [row for row in derived["rows"] if row["key"] != "fixed"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.4), gridspec_kw={"width_ratios": [3, 2]})

    def label(key):
        text = CHART_LABELS[key]
        return text % params["concurrency"] if "%d" in text else text

    labels = [label(row["key"]) for row in rows]
    colors = ["#999999", "#7fa7d9", "#1f5fae", "#e3a257", "#c2661b"]
    walls = [row["wall_at_n"] for row in rows]
    bars = left.barh(labels, walls, color=colors[: len(rows)])
    left.axvline(derived["floor_s"], color="black", linestyle="--", linewidth=1)
    left.text(derived["floor_s"], len(rows) - 0.45, " floor %.1f s" % derived["floor_s"], fontsize=8)
    left.set_xscale("log")
    left.invert_yaxis()
    left.set_xlabel("wall time, seconds (log scale)")
    left.set_title("Reboot %d RUNNING runs, %g ms per API request" % (params["n"], params["latency_ms"]), fontsize=10)
    for patch, row in zip(bars, rows):
        left.text(
            patch.get_width() * 1.05,
            patch.get_y() + patch.get_height() / 2,
            "%.1f s%s" % (row["wall_at_n"], "" if row["key"] == "a" else " (%.*fx faster)" % (0 if row["vs_a"] >= 10 else 1, row["vs_a"])),
            va="center",
            fontsize=8,
        )
    left.set_xlim(min(walls + [derived["floor_s"]]) / 3, max(walls) * 6)
    left.tick_params(axis="y", labelsize=8)

    memory = derived["memory"] or [row for row in derived["rows"] if row["key"] == "c"]
    mem_labels = ["%s\nN=%d" % (label(s["key"]), s["n"]) for s in memory]
    mem_values = [s["tree_pss_peak_mb"] for s in memory]
    right.barh(mem_labels, mem_values, color=["#1f5fae", "#c2661b"][: len(memory)])
    right.axvline(MEMORY_LIMIT_MB, color="red", linestyle="--", linewidth=1)
    right.text(MEMORY_LIMIT_MB, len(memory) - 0.55, " target %d MB" % MEMORY_LIMIT_MB, fontsize=8, color="red")
    right.invert_yaxis()
    right.set_xlabel("MB: peak sum of PSS over the process tree")
    right.set_title("Peak memory, no latency", fontsize=10)
    for index, value in enumerate(mem_values):
        right.text(value, index, " %.0f MB" % value, va="center", fontsize=8)
    right.set_xlim(right=max(mem_values + [MEMORY_LIMIT_MB]) * 1.3)
    right.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
