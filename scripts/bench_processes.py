"""Peak memory of every Prism process under load, for scripts/bench (step `process_memory`).

The processes run as in production, each its own binary, on a scratch database, topic prefix
and ports (scripts/prism_processes.py, removed again at the end). This driver provisions a
tenant, opens its books, and then, for a fixed time, has closed-loop clients each post a journal
entry to the command API and read it back from the query API with `X-Prism-Min-Position` (so the
relay, the projectors and the query API all work for every command). It prints one JSON line,
`prism_process_peak_rss`: for every process, its peak resident set (`VmHWM` of
/proc/<pid>/status) and its resident set at the end, with the load it was under. Python's
standard library only.
"""

import argparse
import json
import sys
import threading
import time

from prism_processes import OPERATOR_KEY_DEFAULT, ScratchProcesses, journal_entry, memory_mib, post_visible


class Load:
    """Closed-loop clients: post an entry, read it back once visible; counts and failures."""

    def __init__(self, urls: tuple[str, str], token: str, deadline: float):
        self.urls, self.token, self.deadline = urls, token, deadline
        self.lock = threading.Lock()
        self.commands = 0
        self.failures: list[str] = []

    def client(self, number: int) -> None:
        amount = number * 1_000_000
        while time.monotonic() < self.deadline:
            amount += 1
            command = ("/v1/journal-entries", journal_entry(amount, f"bench client {number}"))
            failure, _ = post_visible(self.urls, self.token, command, lambda a: f"/v1/journal-entries/{a['entry_id']}")
            with self.lock:
                if failure is None:
                    self.commands += 1
                else:
                    self.failures.append(failure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-base", type=int, required=True, help="the processes' ports: it and the next 14")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--operator-key", default=OPERATOR_KEY_DEFAULT)
    args = parser.parse_args()

    with ScratchProcesses("bench_processes", args.port_base, args.operator_key) as processes:
        _, token = processes.provision()
        started = time.monotonic()
        load = Load((processes.command_url, processes.query_url), token, started + args.seconds)
        clients = [threading.Thread(target=load.client, args=(n,)) for n in range(args.clients)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - started
        if load.failures:
            sys.exit(f"{len(load.failures)} requests failed, first: {load.failures[0]}")
        memory = {name: memory_mib(pid) for name, pid in processes.pids().items()}
    peaks = {name: {"peak_rss_mib": m["hwm_mib"], "rss_at_end_mib": m["rss_mib"]} for name, m in memory.items()}
    print(
        json.dumps(
            {
                "measurement": "prism_process_peak_rss",
                "clients": args.clients,
                "seconds": round(elapsed, 2),
                "commands": load.commands,
                "commands_per_s": round(load.commands / elapsed, 1),
                "processes": peaks,
            }
        )
    )
    summary = ", ".join(f"{name} {m['peak_rss_mib']}" for name, m in peaks.items())
    print(
        f"[bench] process peak RSS (MiB) after {load.commands} commands in {elapsed:.1f} s "
        f"({args.clients} clients, each a POST then a GET once visible): {summary}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
