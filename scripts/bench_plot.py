#!/usr/bin/env python3
"""Plot one scripts/bench results file (one JSON object a line) as one PNG.

    python scripts/bench_plot.py RESULTS.jsonl OUT.png

scripts/bench calls it after the ratios with .prism/bench/<time>.jsonl and writes <time>.png
beside it; it also works on any earlier results file. Panels, left out when the run has no
lines for them (an older or partial run): 1 and 2 need a Prism command append line, 3 an
offered-load line.

1. command append throughput (commands/s) against clients: Prism through HTTP
   (prism_command_append), Prism without HTTP (prism_command_append_direct) and the raw
   Postgres baselines (pgbench_event_outbox, pgbench_event_outbox_notify,
   pgbench_event_outbox_chain);
2. command append latency percentiles (p50, p99, p99.9) against clients;
3. end-to-end latency percentiles (accepted -> visible, scheduled -> visible) against the
   offered rate (prism_offered_load), with the rate achieved written at each point.

Exits non-zero with a message on stderr when the file cannot be read or holds nothing to plot.
Needs matplotlib (scripts/bench installs it into .prism/venv); draws with the Agg backend, so
no display is needed.
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen before pyplot loads)
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402

# Series of the throughput and append latency panels: measurement, label, value field, style.
APPEND_SERIES = [
    ("prism_command_append", "Prism, through HTTP", "commands_per_s", "-"),
    ("prism_command_append_direct", "Prism, without HTTP (in-process)", "commands_per_s", "--"),
]
BASELINE_SERIES = [
    ("pgbench_event_outbox", "raw Postgres event + outbox (pgbench)", "tps", ":"),
    ("pgbench_event_outbox_notify", "raw Postgres + pg_notify (pgbench)", "tps", "-."),
    ("pgbench_event_outbox_chain", "raw Postgres + hash-chain head (pgbench)", "tps", "--"),
]
# Percentiles drawn in the latency panels: field in a latency object, label, colour.
PERCENTILES = [
    ("p50_ms", "p50", "tab:blue"),
    ("p99_ms", "p99", "tab:orange"),
    ("p999_ms", "p99.9", "tab:red"),
]
# End-to-end latencies of prism_offered_load: field, label, line style.
END_TO_END_SERIES = [
    ("accepted_to_visible", "accepted \u2192 visible", "-"),
    ("scheduled_to_visible", "scheduled \u2192 visible", "--"),
]


class PlotError(Exception):
    """A results file that cannot be plotted; the message says why."""


def load_results(path):
    """The lines of a results file, grouped by their `measurement` field."""
    by_measurement = defaultdict(list)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlotError(f"cannot read {path}: {error.strerror}") from error
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise PlotError(f"{path}:{number}: not JSON ({error.msg})") from error
        if isinstance(record, dict) and "measurement" in record:
            by_measurement[record["measurement"]].append(record)
    return by_measurement


def points(records, x_field, y_of):
    """(x, y) lists of the records, sorted by x; a record missing a field is an error."""
    try:
        pairs = sorted((record[x_field], y_of(record)) for record in records)
    except (KeyError, TypeError) as error:
        name = records[0].get("measurement", "?")
        raise PlotError(f"a {name} line lacks the field {error}") from error
    return [x for x, _ in pairs], [y for _, y in pairs]


# Plain numbers (0.5, 10, 2000) on logarithmic axes instead of powers of ten.
PLAIN_NUMBER = FuncFormatter(lambda value, _: f"{value:g}")


def log_axis_at(axis, values):
    """A logarithmic x axis ticked exactly at the measured values, written as plain numbers."""
    axis.set_xscale("log")
    axis.xaxis.set_major_locator(FixedLocator(sorted(set(values))))
    axis.xaxis.set_major_formatter(PLAIN_NUMBER)
    axis.xaxis.set_minor_locator(NullLocator())


def plot_throughput(axis, results):
    """Panel 1: commands/s against clients, Prism beside the pgbench baselines."""
    levels = []
    for measurement, label, field, style in APPEND_SERIES + BASELINE_SERIES:
        if not results.get(measurement):
            continue
        xs, ys = points(results[measurement], "clients", lambda r, f=field: r[f])
        levels += xs
        baseline = measurement.startswith("pgbench")
        axis.plot(xs, ys, style, marker="s" if baseline else "o", label=label,
                  color="tab:gray" if baseline else "tab:green", linewidth=2)
    log_axis_at(axis, levels)
    axis.set_ylim(bottom=0)
    axis.set_title("Command append throughput")
    axis.set_xlabel("concurrent clients")
    axis.set_ylabel("commands/s (pgbench: transactions/s)")
    axis.legend(fontsize="small", handlelength=3.5)


def plot_latency_lines(axis, series, x_field):
    """Percentile lines of several (records, latency field, label, style) series on a log y axis."""
    xs_all = []
    for records, field, label, style in series:
        for percentile, p_label, colour in PERCENTILES:
            xs, ys = points(records, x_field, lambda r, f=field, p=percentile: r[f][p])
            xs_all += xs
            axis.plot(xs, ys, style, marker="o", color=colour, linewidth=2,
                      label=f"{label} {p_label}")
    log_axis_at(axis, xs_all)
    axis.set_yscale("log")
    axis.yaxis.set_major_formatter(PLAIN_NUMBER)
    axis.set_ylabel("latency (ms, log scale)")
    axis.legend(fontsize="small", handlelength=3.5)


def plot_append_latency(axis, results):
    """Panel 2: command append latency percentiles against clients."""
    series = [
        (results[measurement], "latency", label, style)
        for measurement, label, _, style in APPEND_SERIES
        if results.get(measurement)
    ]
    plot_latency_lines(axis, series, "clients")
    axis.set_title("Command append latency (client side)")
    axis.set_xlabel("concurrent clients")


def plot_end_to_end(axis, results):
    """Panel 3: end-to-end latency percentiles against the offered rate (open loop)."""
    records = results["prism_offered_load"]
    series = [(records, field, label, style) for field, label, style in END_TO_END_SERIES]
    plot_latency_lines(axis, series, "offered_per_s")
    achieved = {r["offered_per_s"]: r["achieved_per_s"] for r in records if "achieved_per_s" in r}

    def tick_label(value, _):
        """The offered rate, and below it the rate the run achieved."""
        if value not in achieved:
            return f"{value:g}"
        return f"{value:g}\n(achieved {achieved[value]:.0f}/s)"

    axis.xaxis.set_major_formatter(FuncFormatter(tick_label))
    axis.set_title("End to end at a fixed offered load (open loop)")
    axis.set_xlabel("offered load (commands/s)")


def panels_of(results):
    """The panels this run has lines for, in order."""
    panels = []
    if any(results.get(m) for m, *_ in APPEND_SERIES):
        panels += [plot_throughput, plot_append_latency]
    if results.get("prism_offered_load"):
        panels.append(plot_end_to_end)
    return panels


def title_of(path, results):
    """Figure title: the file, and from the machine line when and on what it ran."""
    title = f"Prism benchmarks \u2014 {path.name}"
    machine = (results.get("machine") or [{}])[0]
    details = [
        machine.get("started"),
        "quick run" if machine.get("quick") else None,
        f"commit {machine['git_commit']}" if "git_commit" in machine else None,
        f"{machine['nproc']} cores" if "nproc" in machine else None,
        f"load {machine['loadavg_1m_before']} before" if "loadavg_1m_before" in machine else None,
    ]
    details = [d for d in details if d]
    return title + ("\n" + ", ".join(details) if details else "")


def plot(results_path, out_path):
    """Write the PNG of one results file."""
    results = load_results(results_path)
    panels = panels_of(results)
    if not panels:
        raise PlotError(f"{results_path} has no command append or offered-load lines to plot")
    columns = min(len(panels), 2)
    rows = (len(panels) + 1) // 2
    figure = plt.figure(figsize=(6.5 * columns, 1.0 + 4.8 * rows))
    grid = figure.add_gridspec(rows, columns)
    for index, panel in enumerate(panels):
        row, column = divmod(index, 2)
        last_alone = index == len(panels) - 1 and column == 0
        axis = figure.add_subplot(grid[row, :] if last_alone else grid[row, column])
        panel(axis, results)
        axis.grid(True, which="major", alpha=0.3)
    figure.suptitle(title_of(results_path, results))
    figure.tight_layout()
    try:
        figure.savefig(out_path, dpi=110)
    except OSError as error:
        raise PlotError(f"cannot write {out_path}: {error.strerror}") from error
    finally:
        plt.close(figure)


def main():
    """Command line: RESULTS.jsonl OUT.png."""
    parser = argparse.ArgumentParser(description="Plot one scripts/bench results file as a PNG.")
    parser.add_argument("results", type=Path, help="results file (.jsonl) written by scripts/bench")
    parser.add_argument("out", type=Path, help="PNG to write")
    args = parser.parse_args()
    try:
        plot(args.results, args.out)
    except PlotError as error:
        print(f"bench_plot: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
