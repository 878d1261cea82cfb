"""The soak of scripts/soak: every Prism process under a steady open-loop load for N minutes,
with memory, backlog and latency sampled, judged and written into RELIABILITY.md.

The processes run as in production, each its own binary, on a scratch database, topic prefix
and ports (scripts/prism_processes.py, removed again at the end). One tenant with its books open,
a warehouse and `SKUS` items each holding stock; then commands are *sent on a fixed schedule*
(`--rate` per second, whatever the answers take; a pool of workers sends them): of every ten,
eight journal entries, one stock receipt and one stock issue of the same quantity (so stock
stays flat; each movement also makes the inventory-postings process manager post an entry).
Each command, once accepted, is read back from the query API with `X-Prism-Min-Position`.

Every `--sample-seconds` a sample (one JSON line in `.prism/soak/<time>.jsonl`): each process's
VmRSS and VmHWM, the outbox depth (events stored, not yet published), each consumer group's
Kafka lag (records published, not yet applied: projectors and process managers), and the
window's commands, failures and accepted→visible latency p50/p99. After the load, the samples
go on every 2 s until every backlog is 0 (the drain). The verdict's rules are in `RULES`.
Needs confluent-kafka (scripts/soak runs this with .prism/venv's Python).
"""

import argparse
import bisect
import concurrent.futures
import http.client
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec

from prism_processes import ScratchProcesses, expect, journal_entry, memory_mib, post_visible, psql

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN = "<!-- soak:begin (scripts/soak writes this section) -->"
END = "<!-- soak:end -->"
SKUS = 20
STOCK_START = "1000000"  # units of each item received before the load, so issues never run short
RSS_GROWTH_RATIO, RSS_GROWTH_MIB = 1.20, 8.0
BACKLOG_GROWTH_RATIO, BACKLOG_GROWTH_LOAD_S = 2.0, 2.0
LATENESS_P99_MAX_S = 1.0
TOKEN_REFRESH_S = 300  # tokens last 15 minutes
KAFKA_TIMEOUT_S = 10
RULES = {
    "memory": f"no process's VmRSS in the last third of the load exceeds its maximum in the middle third "
    f"by more than {RSS_GROWTH_RATIO - 1:.0%} + {RSS_GROWTH_MIB:.0f} MiB",
    "backlog": f"the largest backlog (outbox depth, each consumer group's lag) in the last third is at most "
    f"{BACKLOG_GROWTH_RATIO:.0f}x its maximum in the middle third + {BACKLOG_GROWTH_LOAD_S:.0f} s of load",
    "drain": "after the load stops, the outbox and every consumer group's lag reach 0 within the drain limit",
    "rate": f"the commands were sent on schedule (p99 lateness ≤ {LATENESS_P99_MAX_S:.0f} s) and all answered; "
    "≥ 99 % of rate × duration completed",
    "failures": "no command or read-back failed, no event was dead-lettered",
}


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(fraction * len(ordered) + 0.999999) - 1))]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


class OpenLoad:
    """Sends commands on a fixed schedule from a worker pool; records each outcome."""

    def __init__(self, processes: ScratchProcesses, tenant: str, token: str, rate: float, seconds: float, workers: int):
        self.processes, self.tenant, self.token = processes, tenant, token
        self.urls = (processes.command_url, processes.query_url)
        self.rate, self.seconds = rate, seconds
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        self.lock = threading.Lock()
        self.scheduled = 0
        self.done: list[tuple[float, float, float]] = []  # (due s, lateness s, accepted→visible s)
        self.failures: list[str] = []
        self.started = 0.0

    def command(self, number: int) -> tuple[tuple[str, dict], object]:
        """The `number`th command of the mix and how to read it back."""
        kind, sku = number % 10, f"SOAK-{(number // 10) % SKUS:02d}"
        if kind == 8:
            body = {"sku": sku, "location": "WH1", "quantity": "10", "unit_cost_minor": 100 + number % 7}
            return ("/v1/stock/receipts", body), lambda _: f"/v1/stock?sku={sku}"
        if kind == 9:
            body = {"sku": sku, "location": "WH1", "quantity": "10", "reference": f"soak-{number}"}
            return ("/v1/stock/issues", body), lambda _: f"/v1/stock?sku={sku}"
        entry = journal_entry(1 + number, f"soak command {number}")
        return ("/v1/journal-entries", entry), lambda answer: f"/v1/journal-entries/{answer['entry_id']}"

    def one(self, number: int, due: float) -> None:
        lateness = time.monotonic() - due
        command, read_path = self.command(number)
        try:
            failure, visible = post_visible(self.urls, self.token, command, read_path)
        except (OSError, ValueError, http.client.HTTPException) as error:  # refused, timed out, not JSON: failed too
            failure, visible = f"{command[0]}: {error!r}", 0.0
        with self.lock:
            if failure is None:
                self.done.append((due - self.started, lateness, visible))
            else:
                self.failures.append(failure)

    def start(self) -> threading.Thread:
        """Starts the schedule (in a thread, which ends once every command is answered)."""
        self.started = time.monotonic()
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def run(self) -> None:
        """Schedules every command, then waits for all answers."""
        count = int(self.rate * self.seconds)
        for number in range(count):
            due = self.started + number / self.rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self.pool.submit(self.one, number, due)
            self.scheduled += 1
        self.pool.shutdown(wait=True)

    def refresh_token(self) -> None:
        self.token = self.processes.login(self.tenant)


class Sampler:
    """Reads memory, outbox depth and consumer lag; writes each sample as a JSON line."""

    def __init__(self, processes: ScratchProcesses, out: pathlib.Path):
        self.processes, self.out = processes, out
        self.admin = AdminClient({"bootstrap.servers": os.environ["PRISM_KAFKA_BROKERS"]})
        self.group_prefix = f"{processes.topic_prefix}-projector-"
        self.samples: list[dict] = []

    def consumer_lag(self) -> dict[str, int]:
        """Per consumer group of this run (named by its projector or process manager): the
        records of its topics' partitions past its committed offsets."""
        listed = self.admin.list_consumer_groups().result(timeout=KAFKA_TIMEOUT_S)
        groups = sorted(g.group_id for g in listed.valid if g.group_id.startswith(self.group_prefix))
        committed = {}
        for group in groups:
            request = [ConsumerGroupTopicPartitions(group)]
            answer = self.admin.list_consumer_group_offsets(request)[group].result(timeout=KAFKA_TIMEOUT_S)
            committed[group] = [tp for tp in answer.topic_partitions if tp.offset >= 0]
        partitions = {(tp.topic, tp.partition) for tps in committed.values() for tp in tps}
        if not partitions:
            return {}
        ends = self.admin.list_offsets({TopicPartition(t, p): OffsetSpec.latest() for t, p in partitions})
        end = {(tp.topic, tp.partition): future.result(timeout=KAFKA_TIMEOUT_S).offset for tp, future in ends.items()}
        return {
            process_name(group.removeprefix(self.group_prefix)):
            sum(max(0, end[(tp.topic, tp.partition)] - tp.offset) for tp in tps)
            for group, tps in committed.items()
        }

    def dead_letters(self) -> int:
        """Records in this run's dead-letter topics (`<prefix>.dlq.<name>`)."""
        topics = self.admin.list_topics(timeout=KAFKA_TIMEOUT_S).topics
        partitions = [TopicPartition(name, p) for name, topic in topics.items()
                      if name.startswith(f"{self.processes.topic_prefix}.dlq.") for p in topic.partitions]
        if not partitions:
            return 0
        ends = self.admin.list_offsets({tp: OffsetSpec.latest() for tp in partitions})
        return sum(future.result(timeout=KAFKA_TIMEOUT_S).offset for future in ends.values())

    def sample(self, t: float, phase: str, window: list[tuple[float, float, float]], failures: int) -> dict:
        latencies = [visible for _, _, visible in window]
        row = {
            "t_s": round(t, 1),
            "phase": phase,
            "processes": {name: memory_mib(pid) for name, pid in self.processes.pids().items()},
            "outbox_depth": int(psql(self.processes.url, "SELECT count(*) FROM shared.outbox")),
            "consumer_lag": self.consumer_lag(),
            "dead_letters": self.dead_letters(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
            "commands": len(window),
            "failures": failures,
            "visible_p50_ms": ms(percentile(latencies, 0.50)),
            "visible_p99_ms": ms(percentile(latencies, 0.99)),
            "lateness_max_ms": ms(max((late for _, late, _ in window), default=None)),
        }
        self.samples.append(row)
        with self.out.open("a") as out:
            out.write(json.dumps({"measurement": "soak_sample", **row}) + "\n")
        return row


def process_name(consumer: str) -> str:
    """The process of a consumer group's name: `projector-<store>` for projectors."""
    return f"projector-{consumer}" if consumer in ("postgres", "mongo", "timescale") else consumer


def backlog(row: dict) -> int:
    """The largest backlog of a sample: the outbox depth or a consumer group's lag."""
    return max([row["outbox_depth"], *row["consumer_lag"].values()])


def judge(samples: list[dict], load: OpenLoad, drain: dict, minutes: float) -> dict[str, tuple[bool, str]]:
    """Each rule of `RULES`: passed, and what was measured."""
    seconds = minutes * 60
    loaded = [s for s in samples if s["phase"] == "load"]
    middle = [s for s in loaded if seconds / 3 <= s["t_s"] < 2 * seconds / 3]
    last = [s for s in loaded if s["t_s"] >= 2 * seconds / 3]
    verdict = {}
    if middle and last:
        grown = []
        for name in loaded[0]["processes"]:
            mid = max(s["processes"][name]["rss_mib"] for s in middle)
            end = max(s["processes"][name]["rss_mib"] for s in last)
            if end > mid * RSS_GROWTH_RATIO + RSS_GROWTH_MIB:
                grown.append(f"{name} {mid} → {end} MiB")
        verdict["memory"] = (not grown, "; ".join(grown) or "no process grew past the tolerance")
        mid_backlog, last_backlog = max(map(backlog, middle)), max(map(backlog, last))
        limit = mid_backlog * BACKLOG_GROWTH_RATIO + load.rate * BACKLOG_GROWTH_LOAD_S
        measured = f"max {mid_backlog} in the middle third, {last_backlog} in the last (limit {limit:.0f})"
        verdict["backlog"] = (last_backlog <= limit, measured)
    else:
        verdict["memory"] = verdict["backlog"] = (False, "too few samples in the middle and last thirds")
    verdict["drain"] = (drain["drained"], f"backlog 0 after {drain['seconds']} s (limit {drain['limit_s']} s)"
                        if drain["drained"] else f"backlog {drain['left']} left after {drain['limit_s']} s")
    lateness = percentile([late for _, late, _ in load.done], 0.99) or 0.0
    expected = int(load.rate * seconds)
    complete = len(load.done) + len(load.failures)
    verdict["rate"] = (
        lateness <= LATENESS_P99_MAX_S and complete == load.scheduled and len(load.done) >= 0.99 * expected,
        f"{len(load.done)} of {expected} commands completed ({len(load.done) / seconds:.1f}/s), "
        f"lateness p99 {ms(lateness)} ms",
    )
    first = f", first: {load.failures[0]}" if load.failures else ""
    dead = samples[-1]["dead_letters"]
    verdict["failures"] = (not load.failures and dead == 0, f"{len(load.failures)} failed{first}; {dead} dead letters")
    return verdict


def nearest(samples: list[dict], t: float) -> dict:
    return min(samples, key=lambda s: abs(s["t_s"] - t))


def process_table(samples: list[dict], seconds: float) -> list[str]:
    loaded = [s for s in samples if s["phase"] == "load"]
    start, middle, end = loaded[0], nearest(loaded, seconds / 2), loaded[-1]
    rows = ["| process | RSS at start | RSS at middle | RSS at end | peak (VmHWM) |", "|---|---:|---:|---:|---:|"]
    for name in start["processes"]:
        rss = [f"{s['processes'][name]['rss_mib']:.1f}" for s in (start, middle, end)]
        peak = max(s["processes"][name]["hwm_mib"] for s in samples)
        rows.append(f"| {name} | {' | '.join(rss)} | {peak:.1f} |")
    rows.append("")
    rows.append(f"MiB; start = t {start['t_s']:.0f} s (before the load), middle = t {middle['t_s']:.0f} s, "
                f"end = t {end['t_s']:.0f} s (the last sample under load).")
    return rows


def rss_total(row: dict) -> str:
    return f"{sum(m['rss_mib'] for m in row['processes'].values()):.1f}" if row["processes"] else "—"


def minute_table(samples: list[dict], load: OpenLoad, seconds: float) -> list[str]:
    groups = sorted({g for s in samples for g in s["consumer_lag"]})
    head = "| minute | commands/s | accepted→visible p50 ms | p99 ms | outbox depth max | " + \
        " | ".join(f"{g} lag max" for g in groups) + \
        " | RSS of all processes at the minute's end, MiB | machine load average |"
    rows = [head, "|" + "---:|" * (7 + len(groups))]
    done = sorted(load.done)
    starts = [due for due, _, _ in done]
    for minute in range(int((seconds + 59) // 60)):
        lo, hi = minute * 60, min(seconds, minute * 60 + 60)
        window = done[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]
        latencies = [v for _, _, v in window]
        inside = [s for s in samples if s["phase"] == "load" and lo < round(s["t_s"]) <= hi] or \
            [{"outbox_depth": 0, "consumer_lag": {}, "processes": {}}]
        lags = [str(max(s["consumer_lag"].get(g, 0) for s in inside)) for g in groups]
        rows.append(f"| {minute + 1} | {len(window) / (hi - lo):.1f} | {ms(percentile(latencies, 0.5))} | "
                    f"{ms(percentile(latencies, 0.99))} | {max(s['outbox_depth'] for s in inside)} | "
                    f"{' | '.join(lags)} | {rss_total(inside[-1])} | "
                    f"{inside[-1].get('loadavg_1m', '—')} |")
    return rows


def section(meta: dict, samples: list[dict], load: OpenLoad, drain: dict, verdict: dict) -> str:
    seconds = meta["minutes"] * 60
    passed = all(ok for ok, _ in verdict.values())
    latencies = [v for _, _, v in load.done]
    lines = [
        "## Soak",
        "",
        f"`{meta['command']}`, run {meta['started']}–{meta['ended'][11:]} UTC (git {meta['git_commit']}, "
        f"{meta['nproc']} cores, load average {meta['loadavg_before']} before the run; the "
        f"{meta['profile']} binaries): every Prism process, each its own binary, on a scratch database "
        "and topic prefix, under a steady open-loop load through HTTP for "
        f"{meta['minutes']:g} minute{'' if meta['minutes'] == 1 else 's'}: {meta['rate']:g} commands/s "
        "on a fixed schedule — of every ten, "
        "eight journal entries, one stock receipt and one stock issue (each movement also posted to the "
        "ledger by the inventory-postings process manager) — each read back from the query API with "
        "`X-Prism-Min-Position`. Sampled every "
        f"{meta['sample_seconds']:g} s; the samples are in `{meta['samples_file']}`.",
        "",
        f"**Verdict: {'PASS' if passed else 'FAIL'}.** {len(load.done)} commands, {len(load.failures)} failed; "
        f"accepted→visible p50 {ms(percentile(latencies, 0.5))} ms, p99 {ms(percentile(latencies, 0.99))} ms, "
        f"max {ms(max(latencies, default=None))} ms.",
        "",
        "| rule | result | measured |",
        "|---|---|---|",
        *(f"| {RULES[name]} | {'pass' if ok else '**FAIL**'} | {what} |" for name, (ok, what) in verdict.items()),
        "",
        "### Memory per process",
        "",
        *process_table(samples, seconds),
        "",
        "### Backlog and latency per minute",
        "",
        "Lag: records of the group's topics published to Kafka and not yet applied (committed) by "
        "that projector or process manager (one whose topics got no records has committed nothing and "
        "is not shown); the outbox holds the events stored and not yet published. Maxima over the "
        "minute's samples.",
        "",
        *minute_table(samples, load, seconds),
        "",
        f"After the load: {verdict['drain'][1]}.",
    ]
    return "\n".join(lines)


def write_section(report: pathlib.Path, text: str) -> None:
    """Replaces the soak section of `report` (appends its markers when missing)."""
    current = report.read_text()
    if BEGIN not in current:
        current = current.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    report.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def set_up_stock(processes: ScratchProcesses, token: str) -> None:
    """A warehouse and `SKUS` items at moving average, each with `STOCK_START` units."""
    url = processes.command_url
    expect(f"{url}/v1/locations", {"code": "WH1", "name": "Soak warehouse", "kind": "warehouse"}, token, 201)
    for number in range(SKUS):
        sku = f"SOAK-{number:02d}"
        item = {"sku": sku, "name": f"Soak item {number}", "unit_of_measure": "each",
                "valuation_method": "moving_average", "currency": "EUR",
                "reorder_point": "20", "reorder_quantity": "50"}
        expect(f"{url}/v1/items", item, token, 201)
        receipt = {"sku": sku, "location": "WH1", "quantity": STOCK_START, "unit_cost_minor": 100}
        expect(f"{url}/v1/stock/receipts", receipt, token, 201)


def drain(sampler: Sampler, load: OpenLoad, limit_s: float, interval_s: float = 2.0) -> dict:
    """Samples until every backlog is 0 or `limit_s` passed."""
    stopped = time.monotonic()
    while True:
        waited = time.monotonic() - stopped
        row = sampler.sample(time.monotonic() - load.started, "drain", [], 0)
        if backlog(row) == 0 or waited >= limit_s:
            left = backlog(row)
            return {"drained": left == 0, "seconds": round(waited, 1), "limit_s": limit_s, "left": left}
        time.sleep(interval_s)


def sample_under_load(sampler: Sampler, load: OpenLoad, interval_s: float) -> None:
    """Runs the load, sampling every `interval_s` (on a fixed schedule) until it is over."""
    thread = load.start()
    refreshed, taken, number = time.monotonic(), 0, 0
    while thread.is_alive():
        number += 1
        thread.join(timeout=max(0.0, load.started + number * interval_s - time.monotonic()))
        if time.monotonic() - refreshed > TOKEN_REFRESH_S:
            load.refresh_token()
            refreshed = time.monotonic()
        with load.lock:
            window, taken = load.done[taken:], len(load.done)
            failures = len(load.failures)
        row = sampler.sample(time.monotonic() - load.started, "load", window, failures)
        print(f"[soak] t {row['t_s']:.0f} s: {row['commands']} commands, {failures} failed, "
              f"accepted→visible p99 {row['visible_p99_ms']} ms, outbox {row['outbox_depth']}, "
              f"lag {row['consumer_lag']}, RSS of all processes {rss_total(row)} MiB", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, out: pathlib.Path, meta: dict) -> bool:
    seconds = args.minutes * 60
    with ScratchProcesses("soak", args.port_base) as processes:
        tenant, token = processes.provision()
        set_up_stock(processes, token)
        load = OpenLoad(processes, tenant, token, args.rate, seconds, args.workers)
        sampler = Sampler(processes, out)
        sampler.sample(0.0, "load", [], 0)
        sample_under_load(sampler, load, args.sample_seconds)
        drained = drain(sampler, load, args.drain_seconds)
    verdict = judge(sampler.samples, load, drained, args.minutes)
    passed = all(ok for ok, _ in verdict.values())
    meta["ended"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    latencies = [v for _, _, v in load.done]
    summary = {"measurement": "soak_verdict", "passed": passed, "commands": len(load.done),
               "failures": len(load.failures),
               "visible_p50_ms": ms(percentile(latencies, 0.5)), "visible_p99_ms": ms(percentile(latencies, 0.99)),
               "drain": drained,
               "rules": {name: {"passed": ok, "measured": what} for name, (ok, what) in verdict.items()}}
    with out.open("a") as file:
        file.write(json.dumps(summary) + "\n")
    write_section(args.report, section(meta, sampler.samples, load, drained, verdict))
    for name, (ok, what) in verdict.items():
        print(f"[soak] {'pass' if ok else 'FAIL'} {name}: {what}", file=sys.stderr)
    print(f"[soak] {'PASS' if passed else 'FAIL'}: {len(load.done)} commands, accepted→visible "
          f"p50 {summary['visible_p50_ms']} ms, p99 {summary['visible_p99_ms']} ms; samples {out}; "
          f"section written into {args.report}", file=sys.stderr)
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100, help="commands per second, offered on a fixed schedule")
    parser.add_argument("--port-base", type=int, default=24080, help="the processes' ports: it and the next 14")
    parser.add_argument("--sample-seconds", type=float, help="default: 15, or a twelfth of the load if shorter")
    parser.add_argument("--drain-seconds", type=float, default=120, help="longest wait for the backlog to reach 0")
    parser.add_argument("--workers", type=int, default=64, help="most commands in flight")
    parser.add_argument("--profile", default="release", help="of the binaries, for the report")
    parser.add_argument("--command", default="scripts/soak", help="how the run was started, for the report")
    parser.add_argument("--report", type=pathlib.Path, default=ROOT / "RELIABILITY.md")
    args = parser.parse_args()
    if args.minutes < 1:
        parser.error("--minutes must be at least 1")
    args.sample_seconds = args.sample_seconds or min(15.0, args.minutes * 60 / 12)
    out_dir = pathlib.Path(os.environ.get("PRISM_HOME", ROOT / ".prism")) / "soak"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{time.strftime('%Y%m%dT%H%M%S')}.jsonl"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    meta = {"measurement": "soak", "command": args.command, "minutes": args.minutes, "rate": args.rate,
            "sample_seconds": args.sample_seconds, "profile": args.profile, "nproc": os.cpu_count(),
            "loadavg_before": round(os.getloadavg()[0], 2), "git_commit": commit.stdout.strip() or "unknown",
            "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
            "samples_file": str(out.relative_to(ROOT)) if out.is_relative_to(ROOT) else str(out)}
    out.write_text(json.dumps(meta) + "\n")
    try:
        passed = run(args, out, meta)
    except KeyboardInterrupt:
        sys.exit("[soak] interrupted; the scratch processes and resources are removed")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
