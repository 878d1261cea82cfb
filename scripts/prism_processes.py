"""Every Prism process on scratch resources, and HTTP load against it: shared by scripts/bench
(step `process_memory`, scripts/bench_processes.py) and scripts/soak (scripts/soak.py).

`ScratchProcesses` starts the processes as `scripts/prism up` does — the same shell functions
(scripts/lib/prism-processes.sh), each its own binary from $PRISM_BIN_DIR — but on a database,
a topic prefix (hence consumer groups and registry subjects), ports and a rate-limit key prefix
of their own, with the rate limits out of the way. Leaving it (also after an error, Ctrl-C or
SIGTERM) stops the processes and removes everything they created: the database, the topics,
the consumer groups, the registry subjects and the MongoDB databases of the tenants provisioned
through `provision`. It expects the connection settings of `export_prism_env`
(scripts/lib/common.sh) in the environment, as scripts/bench and scripts/soak set them.
Python's standard library only.
"""

import http.client
import json
import os
import pathlib
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid

SCRIPTS_DIR = pathlib.Path(__file__).resolve().parent
OPERATOR_KEY_DEFAULT = "prism-local-operator-key"
ADMIN_PASSWORD = "scratch-processes-admin-password"
REQUEST_TIMEOUT_S = 30
# Port variables of the processes, in the order of their ports from the base.
PORT_VARIABLES = (
    "COMMAND", "QUERY", "RELAY", "PROJECTOR_POSTGRES", "PROJECTOR_MONGO", "PROJECTOR_TIMESCALE",
    "PROCESS_PAYMENTS", "PROCESS_INVENTORY", "PROCESS_ORDERS", "PROCESS_PURCHASING", "PROCESS_PAYROLL",
    "PROCESS_PRODUCTION", "PROCESS_HIRING", "PROCESS_NOTIFICATIONS", "PROCESS_WEBHOOKS",
)
# Sources the process table with the scratch settings; "$1" is the verb (processes_start/_stop).
PROCESSES_SH = """set -euo pipefail
source "$SCRATCH_SCRIPTS_DIR/lib/common.sh"
export_prism_env
PRISM_RUN_DIR="$SCRATCH_RUN_DIR" PRISM_LOG_DIR="$SCRATCH_LOG_DIR"
export PRISM_DATABASE_URL="$SCRATCH_DATABASE_URL" PRISM_LOG=warn
source "$SCRATCH_SCRIPTS_DIR/lib/prism-processes.sh"
"$1"
"""


def log(message: str) -> None:
    print(f"[scratch] {message}", file=sys.stderr, flush=True)


_connections = threading.local()


def _connection(url: urllib.parse.SplitResult, fresh: bool) -> http.client.HTTPConnection:
    """This thread's kept-alive connection to `url`'s host (a new one when `fresh`)."""
    pool = _connections.__dict__.setdefault("pool", {})
    key = (url.hostname, url.port)
    if fresh or key not in pool:
        if key in pool:
            pool[key].close()
        pool[key] = http.client.HTTPConnection(url.hostname, url.port, timeout=REQUEST_TIMEOUT_S)
    return pool[key]


def request(url: str, body: dict | None, bearer: str | None, headers: dict | None = None) -> tuple[int, dict]:
    """One HTTP call (POST when `body` is given, else GET): the status and the JSON answer.

    Each thread keeps one connection per host alive, as an HTTP client library would: a new
    connection per call would make the load a test of TCP connection set-up (at a few hundred
    calls a second the listen queues overflow and SYNs wait a second for their retry). A kept
    connection the server closed while idle is replaced, and the call sent again, once.
    """
    sent = {"content-type": "application/json", **(headers or {})}
    if bearer is not None:
        sent["authorization"] = f"Bearer {bearer}"
    data = None if body is None else json.dumps(body).encode()
    target = urllib.parse.urlsplit(url)
    path = f"{target.path}?{target.query}" if target.query else target.path
    for fresh in (False, True):
        connection = _connection(target, fresh)
        reused = connection.sock is not None
        try:
            connection.request("GET" if body is None else "POST", path, body=data, headers=sent)
            response = connection.getresponse()
            answer = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            if fresh or not reused:
                raise
            continue
        except Exception:
            connection.close()
            raise
        return response.status, json.loads(answer or b"{}")
    raise AssertionError("unreachable")


def expect(url: str, body: dict | None, bearer: str | None, status: int, headers: dict | None = None) -> dict:
    """`request`, exiting unless it answers `status`."""
    got, answer = request(url, body, bearer, headers)
    if got != status:
        sys.exit(f"{url}: {got} {answer} (expected {status})")
    return answer


def journal_entry(amount: int, description: str) -> dict:
    """A balanced entry moving `amount` (minor units) from equity (3000) to cash (1000)."""
    return {
        "date": "2026-11-25",
        "description": description,
        "lines": [
            {"account": "1000", "debit": amount, "currency": "EUR"},
            {"account": "3000", "credit": amount, "currency": "EUR"},
        ],
    }


def post_visible(urls: tuple[str, str], token: str, command: tuple[str, dict], read_path) -> tuple[str | None, float]:
    """Posts `command` (path, body) to the command API, then reads `read_path(answer)` from the
    query API with `X-Prism-Min-Position` (answered once the projector applied the event; a 504
    after the query API's own wait is asked again, up to 3 times). Returns a failure (None when
    it went through) and the seconds from the command's answer to the read's.
    """
    command_url, query_url = urls
    path, body = command
    status, answer = request(f"{command_url}{path}", body, token)
    if status not in (200, 201):
        return f"POST {path}: {status} {answer.get('type', answer)}", 0.0
    accepted = time.monotonic()
    wait = {"x-prism-min-position": str(answer["position"])}
    for _ in range(3):
        status, read = request(f"{query_url}{read_path(answer)}", None, token, wait)
        if status != 504:
            break
    if status != 200:
        return f"GET {read_path(answer)}: {status} {read.get('type', read)}", 0.0
    return None, time.monotonic() - accepted


def memory_mib(pid: int) -> dict[str, float]:
    """`VmRSS` (now) and `VmHWM` (peak) of `pid`, in MiB."""
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mib": fields["VmRSS"], "hwm_mib": fields["VmHWM"]}


def psql(url: str, sql: str) -> str:
    """The unaligned answer of `sql` on `url`."""
    return subprocess.run(["psql", "-Atq", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def database_url(admin_url: str, database: str) -> str:
    """`admin_url` pointing at `database` instead."""
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))


def mongo_drop_database(mongodb_url: str, database: str) -> None:
    """Drops `database` through the MongoDB wire protocol (one OP_MSG `dropDatabase`)."""

    def bson(document: dict) -> bytes:
        body = b""
        for key, value in document.items():
            name = key.encode() + b"\0"
            if isinstance(value, int):
                body += b"\x10" + name + struct.pack("<i", value)
            else:
                text = value.encode() + b"\0"
                body += b"\x02" + name + struct.pack("<i", len(text)) + text
        return struct.pack("<i", len(body) + 5) + body + b"\0"

    address = urllib.parse.urlsplit(mongodb_url)
    section = b"\0" + bson({"dropDatabase": 1, "$db": database})
    message = struct.pack("<iiiiI", 16 + 4 + len(section), 1, 0, 2013, 0) + section
    with socket.create_connection((address.hostname, address.port or 27017), timeout=REQUEST_TIMEOUT_S) as sock:
        sock.sendall(message)
        length = struct.unpack("<i", sock.recv(4))[0]
        reply = b""
        while len(reply) < length - 4:
            reply += sock.recv(length - 4 - len(reply))
    if b"\x01ok\x00" + struct.pack("<d", 1.0) not in reply:
        raise RuntimeError(f"dropDatabase {database}: {reply!r}")


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)


class ScratchProcesses:
    """Every Prism process on a scratch database, topic prefix and ports; a context manager."""

    def __init__(self, kind: str, port_base: int, operator_key: str = OPERATOR_KEY_DEFAULT):
        suffix = f"{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
        self.kind = kind
        self.database = f"prism_{kind}_{suffix}"
        self.topic_prefix = f"prism-{kind.replace('_', '-')}-{suffix}"
        self.operator_key = operator_key
        self.ports = {name: port_base + i for i, name in enumerate(PORT_VARIABLES)}
        self.command_url = f"http://127.0.0.1:{self.ports['COMMAND']}"
        self.query_url = f"http://127.0.0.1:{self.ports['QUERY']}"
        self.admin_url = os.environ["PRISM_DATABASE_URL"]
        self.url = database_url(self.admin_url, self.database)
        self.tenants: list[str] = []
        self.work_dir = pathlib.Path(tempfile.mkdtemp(prefix=f"prism-{kind}-"))
        self.run_dir, self.log_dir = self.work_dir / "run", self.work_dir / "logs"
        self.env = {
            **os.environ,
            **{f"PRISM_{name}_PORT": str(port) for name, port in self.ports.items()},
            "SCRATCH_SCRIPTS_DIR": str(SCRIPTS_DIR),
            "SCRATCH_RUN_DIR": str(self.run_dir),
            "SCRATCH_LOG_DIR": str(self.log_dir),
            "SCRATCH_DATABASE_URL": self.url,
            "PRISM_TOPIC_PREFIX": self.topic_prefix,
            "PRISM_RATE_LIMIT_KEY_PREFIX": f"prism:{kind}:{suffix}",
            "PRISM_RATE_LIMIT_IP_PER_WINDOW": "1000000000",
            "PRISM_RATE_LIMIT_TENANT_PER_WINDOW": "1000000000",
        }

    def __enter__(self) -> "ScratchProcesses":
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _raise_exit)
        self.run_dir.mkdir()
        self.log_dir.mkdir()
        try:
            psql(self.admin_url, f"CREATE DATABASE {self.database}")
            self._processes("processes_start")
        except BaseException as error:
            self.__exit__(None, None, None)
            if isinstance(error, subprocess.CalledProcessError):
                sys.exit(f"the Prism processes did not start (exit {error.returncode}; see above)")
            raise
        return self

    def __exit__(self, _kind, error, _traceback) -> None:
        if isinstance(error, Exception) or (isinstance(error, SystemExit) and isinstance(error.code, str)):
            self.show_logs()
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the clean-up
        try:
            self._processes("processes_stop")
            self._remove_scratch()
        finally:
            signal.signal(signal.SIGINT, interrupt)

    def _processes(self, verb: str) -> None:
        subprocess.run(["bash", "-c", PROCESSES_SH, "prism-processes", verb], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)

    def pids(self) -> dict[str, int]:
        """Each running process's pid, by name."""
        return {path.stem: int(path.read_text().split()[0]) for path in sorted(self.run_dir.glob("*.pid"))}

    def provision(self) -> tuple[str, str]:
        """A new tenant with its books open: its name and its admin's access token."""
        tenant = f"{self.kind.split('_')[0]}_{uuid.uuid4().hex[:12]}"
        self.tenants.append(tenant)
        admin = {"email": f"admin@{tenant.replace('_', '-')}.example", "name": "Scratch", "password": ADMIN_PASSWORD}
        expect(f"{self.command_url}/v1/tenants", {"tenant": tenant, "admin": admin}, self.operator_key, 201)
        token = self.login(tenant)
        expect(f"{self.command_url}/v1/fiscal-years", {"start_date": "2026-01-01"}, token, 201)
        return tenant, token

    def login(self, tenant: str) -> str:
        """A fresh access token of `tenant`'s admin (a token lasts 15 minutes)."""
        login = {"tenant": tenant, "email": f"admin@{tenant.replace('_', '-')}.example", "password": ADMIN_PASSWORD}
        return expect(f"{self.command_url}/v1/auth/login", login, None, 200)["access_token"]

    def show_logs(self, lines: int = 20) -> None:
        """The end of every process log, on stderr."""
        for path in sorted(self.log_dir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            print(f"---- {path.name} ----", *tail, sep="\n", file=sys.stderr)

    def _remove_scratch(self) -> None:
        """Removes the database, topics, groups, subjects and Mongo databases; each step is tried."""
        steps = [("database", lambda: psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")),
                 ("topics and consumer groups", self._remove_kafka),
                 ("registry subjects", self._remove_subjects)]
        steps += [(f"MongoDB database of {tenant}",
                   lambda tenant=tenant: mongo_drop_database(os.environ["PRISM_MONGODB_URL"], f"prism_{tenant}"))
                  for tenant in self.tenants]
        for what, step in steps:
            try:
                step()
            except Exception as error:  # noqa: BLE001 - report, go on with the other steps
                log(f"could not remove the scratch {what}: {error}")
        subprocess.run(["rm", "-rf", str(self.work_dir)], check=False)

    def _kafka_tool(self, tool: str, *args: str) -> str:
        classpath = f"{os.environ['PRISM_HOME']}/kafka/libs/*"
        command = ["java", "-cp", classpath, f"org.apache.kafka.tools.{tool}",
                   "--bootstrap-server", os.environ["PRISM_KAFKA_BROKERS"], *args]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout

    def _remove_kafka(self) -> None:
        self._kafka_tool("TopicCommand", "--delete", "--if-exists", "--topic", f"{self.topic_prefix}\\..*")
        groups = [g for g in self._kafka_tool("consumer.group.ConsumerGroupCommand", "--list").split()
                  if g.startswith(f"{self.topic_prefix}-")]
        if groups:
            args = [arg for group in groups for arg in ("--group", group)]
            self._kafka_tool("consumer.group.ConsumerGroupCommand", "--delete", *args)

    def _remove_subjects(self) -> None:
        registry = os.environ["PRISM_SCHEMA_REGISTRY_URL"]
        with urllib.request.urlopen(f"{registry}/subjects", timeout=REQUEST_TIMEOUT_S) as response:
            subjects = [s for s in json.loads(response.read()) if s.startswith(f"{self.topic_prefix}.")]
        for subject in subjects:
            quoted = urllib.parse.quote(subject, safe="")
            for query in ("", "?permanent=true"):
                call = urllib.request.Request(f"{registry}/subjects/{quoted}{query}", method="DELETE")
                urllib.request.urlopen(call, timeout=REQUEST_TIMEOUT_S).close()
