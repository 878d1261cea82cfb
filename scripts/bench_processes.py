"""Peak memory of every Prism process under load, for scripts/bench (step `process_memory`).

The processes run as in production, each its own binary, started by scripts/bench on a scratch
database and topic prefix. This driver provisions a tenant, opens its books, and then, for a
fixed time, has closed-loop clients each post a journal entry to the command API and read it
back from the query API with `X-Prism-Min-Position` (so the relay, the projectors and the
query API all work for every command). It prints one JSON line, `prism_process_peak_rss`: for
every process of the run folder, its peak resident set (`VmHWM` of /proc/<pid>/status) and its
resident set at the end, with the load it was under. Python's standard library only.
"""

import argparse
import json
import pathlib
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

OPERATOR_KEY_DEFAULT = "prism-local-operator-key"
ADMIN_PASSWORD = "bench-processes-admin-password"


def request(url: str, body: dict | None, bearer: str | None, headers: dict | None = None) -> tuple[int, dict]:
    """One HTTP call (POST when `body` is given, else GET): the status and the JSON answer."""
    sent = {"content-type": "application/json", **(headers or {})}
    if bearer is not None:
        sent["authorization"] = f"Bearer {bearer}"
    data = None if body is None else json.dumps(body).encode()
    call = urllib.request.Request(url, data=data, headers=sent, method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def expect(url: str, body: dict | None, bearer: str | None, status: int, headers: dict | None = None) -> dict:
    got, answer = request(url, body, bearer, headers)
    if got != status:
        sys.exit(f"{url}: {got} {answer} (expected {status})")
    return answer


def provision(command_url: str, operator_key: str) -> tuple[str, str]:
    """A new tenant with its books open: its name and its admin's access token."""
    tenant = f"bench_{uuid.uuid4().hex[:12]}"
    admin = {"email": f"admin@{tenant.replace('_', '-')}.example", "name": "Bench", "password": ADMIN_PASSWORD}
    expect(f"{command_url}/v1/tenants", {"tenant": tenant, "admin": admin}, operator_key, 201)
    login = {"tenant": tenant, "email": admin["email"], "password": ADMIN_PASSWORD}
    token = expect(f"{command_url}/v1/auth/login", login, None, 200)["access_token"]
    expect(f"{command_url}/v1/fiscal-years", {"start_date": "2026-01-01"}, token, 201)
    return tenant, token


class Load:
    """Closed-loop clients: post an entry, read it back once visible; counts and failures."""

    def __init__(self, command_url: str, query_url: str, token: str, deadline: float):
        self.command_url, self.query_url, self.token, self.deadline = command_url, query_url, token, deadline
        self.lock = threading.Lock()
        self.commands = 0
        self.failures: list[str] = []

    def client(self, number: int) -> None:
        amount = number * 1_000_000
        while time.monotonic() < self.deadline:
            amount += 1
            entry = {
                "date": "2026-11-25",
                "description": f"bench client {number}",
                "lines": [
                    {"account": "1000", "debit": amount, "currency": "EUR"},
                    {"account": "3000", "credit": amount, "currency": "EUR"},
                ],
            }
            status, posted = request(f"{self.command_url}/v1/journal-entries", entry, self.token)
            if status == 201:
                wait = {"x-prism-min-position": str(posted["position"])}
                url = f"{self.query_url}/v1/journal-entries/{posted['entry_id']}"
                status, _ = request(url, None, self.token, wait)
            with self.lock:
                if status in (200, 201):
                    self.commands += 1
                else:
                    self.failures.append(f"status {status}")


def memory_mib(pid: int) -> dict[str, float]:
    """`VmHWM` (peak) and `VmRSS` (now) of `pid`, in MiB."""
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"peak_rss_mib": fields["VmHWM"], "rss_at_end_mib": fields["VmRSS"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", required=True, help="folder of the processes' <name>.pid files")
    parser.add_argument("--command-url", required=True)
    parser.add_argument("--query-url", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--operator-key", default=OPERATOR_KEY_DEFAULT)
    args = parser.parse_args()

    pids = {path.stem: int(path.read_text().split()[0]) for path in sorted(pathlib.Path(args.run_dir).glob("*.pid"))}
    if not pids:
        sys.exit(f"no process pid files in {args.run_dir}")
    _, token = provision(args.command_url, args.operator_key)
    started = time.monotonic()
    load = Load(args.command_url, args.query_url, token, started + args.seconds)
    clients = [threading.Thread(target=load.client, args=(n,)) for n in range(args.clients)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.monotonic() - started
    if load.failures:
        sys.exit(f"{len(load.failures)} requests failed, first: {load.failures[0]}")
    processes = {name: memory_mib(pid) for name, pid in pids.items()}
    print(
        json.dumps(
            {
                "measurement": "prism_process_peak_rss",
                "clients": args.clients,
                "seconds": round(elapsed, 2),
                "commands": load.commands,
                "commands_per_s": round(load.commands / elapsed, 1),
                "processes": processes,
            }
        )
    )
    summary = ", ".join(f"{name} {m['peak_rss_mib']}" for name, m in processes.items())
    print(
        f"[bench] process peak RSS (MiB) after {load.commands} commands in {elapsed:.1f} s "
        f"({args.clients} clients, each a POST then a GET once visible): {summary}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
