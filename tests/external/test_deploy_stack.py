"""The container stack (docker-compose.kafka.yml and deploy/) and the Helm chart
(deploy/helm/prism) run the same Prism as `scripts/prism up`, and their observability pieces
point at things that exist: every process of the process table (scripts/lib/prism-processes.sh)
is a compose service and a Deployment running the same binary and arguments; Prometheus scrapes
exactly the Prism services; the gateway routes to the two APIs' services; every file the compose
stack mounts is in the repository; each Prism metric the Grafana dashboard plots is one the code
emits and is documented with its labels; the KPI dashboard's SQL runs on a schema built by the
time-series migrations; the chart's consumer groups never run more pods than the topics have
partitions, and mutual TLS is the mesh's when enabled. Read from
`docker-compose config` and `helm template`, so the files are checked the way those tools read
them (Helm from PRISM_HOME/bin, where `scripts/prism test` builds it).
"""

import json
import os
import pathlib
import re
import shlex
import subprocess

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.kafka.yml"
PRISM_IMAGE = "prism:local"
CHART = ROOT / "deploy" / "helm" / "prism"
HELM = pathlib.Path(os.environ.get("PRISM_HOME", ROOT / ".prism")) / "bin" / "helm"


def compose():
    answer = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE_FILE), "config"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    return yaml.safe_load(answer.stdout)


def process_table():
    """NAME -> [binary, args...] of scripts/lib/prism-processes.sh."""
    text = (ROOT / "scripts" / "lib" / "prism-processes.sh").read_text()
    table = re.search(r'PRISM_PROCESSES="\n(.*?)\n"', text, re.S).group(1)
    processes = {}
    for line in table.splitlines():
        name, binary, _port, *args = shlex.split(line)
        processes[name] = [binary, *args]
    return processes


def prism_services(stack):
    return {name: service for name, service in stack["services"].items() if service.get("image") == PRISM_IMAGE}


def test_every_prism_process_is_a_compose_service_running_the_same_command():
    services = prism_services(compose())
    processes = process_table()
    assert set(services) == set(processes), "compose services differ from the process table"
    for name, command in processes.items():
        assert services[name]["command"] == command, name
        assert services[name]["healthcheck"]["test"][-1] == "http://localhost:8080/health/ready", name


def test_prometheus_scrapes_every_prism_service_and_the_gateway():
    stack = compose()
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    targets = {target for group in jobs["prism"]["static_configs"] for target in group["targets"]}
    assert targets == {f"{name}:8080" for name in prism_services(stack)}
    assert jobs["gateway"]["static_configs"][0]["targets"] == ["gateway:8080"]
    assert "gateway" in stack["services"]


def test_the_gateway_routes_commands_and_queries_to_the_two_apis():
    stack = compose()
    routes = yaml.safe_load((ROOT / "deploy" / "traefik" / "dynamic.yml").read_text())["http"]
    servers = {
        name: [server["url"] for server in service["loadBalancer"]["servers"]]
        for name, service in routes["services"].items()
    }
    assert servers == {"command-api": ["http://command-api:8080"], "query-api": ["http://query-api:8080"]}
    for name in ("command-api", "query-api"):
        assert name in prism_services(stack)
    sides = {router["service"] for router in routes["routers"].values()}
    assert sides == {"command-api", "query-api"}
    for router in routes["routers"].values():
        assert "rate-limit" in router["middlewares"], router
        for middleware in router["middlewares"]:
            assert middleware in routes["middlewares"], middleware
    rewrite = routes["middlewares"]["to-v1-commands"]["replacePathRegex"]
    assert re.sub(rewrite["regex"], rewrite["replacement"].replace("$1", r"\1"), "/v1/commands/journal-entries") == (
        "/v1/journal-entries"
    )


def test_every_file_the_stack_mounts_is_in_the_repository():
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            # `docker-compose config` writes "SOURCE:TARGET[:MODE]", a bind's source absolute.
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith("/"):
                source = pathlib.Path(source)
                assert source.exists(), f"{name} mounts {source}, which is missing"
                assert ROOT in source.parents, f"{name} mounts {source}, outside the repository"


def emitted_metrics():
    """The metric names the Rust code registers (counter!, gauge!, histogram!)."""
    names = set()
    for source in ROOT.glob("*/src/**/*.rs"):
        names.update(re.findall(r'(?:counter|gauge|histogram)!\(\s*"([a-z_]+)"', source.read_text()))
    return names


def test_the_dashboard_plots_only_metrics_prism_emits():
    emitted = emitted_metrics()
    assert "prism_commands_total" in emitted
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "prism-overview.json").read_text())
    plotted = {
        re.sub(r"_bucket$", "", name)  # a histogram's buckets, by the name the code records
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bprism_[a-z_]+", target["expr"])
    }
    assert plotted, "the dashboard plots Prism metrics"
    assert plotted <= emitted, f"not emitted by the code: {sorted(plotted - emitted)}"
    provisioned = yaml.safe_load((ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    uids = {source["uid"] for source in provisioned["datasources"]}
    assert {panel["datasource"]["uid"] for panel in dashboard["panels"]} <= uids


def test_every_metric_prism_emits_is_documented_with_its_labels():
    documented = (ROOT / "docs" / "observability.md").read_text()
    for source in ROOT.glob("*/src/**/*.rs"):
        invocations = re.findall(
            r'(?:counter|gauge|histogram)!\(\s*"([a-z_]+)"(.*?)\)\s*\.(?:increment|set|record)\(',
            source.read_text(),
            re.DOTALL,
        )
        for name, labels in invocations:
            rows = [line for line in documented.splitlines() if line.startswith(f"| `{name}` |")]
            assert rows, f"{name} ({source.relative_to(ROOT)}) has no row in docs/observability.md's table"
            row = rows[0]
            for label in re.findall(r'"([a-z_]+)"\s*=>', labels):
                assert f"`{label}`" in row, f"{name}'s label {label} is not on its row of docs/observability.md"


def test_the_image_is_built_in_stages_and_runs_as_an_unprivileged_user():
    # hadolint is not reachable here; these are the rules of its kind the image keeps.
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) >= 2 and " AS build" in stages[0], "a build stage, then a runtime stage"
    runtime = lines[lines.index(stages[-1]):]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the runtime stage drops root"
    assert "--locked" in " ".join(lines), "the build uses Cargo.lock as it is"
    for line in lines:
        if "apt-get install" in line:
            assert "--no-install-recommends" in line, line
    text = (ROOT / "Dockerfile").read_text()
    assert text.count("apt-get install") == text.count("rm -rf /var/lib/apt/lists/*"), "apt lists removed"


def rendered(*settings):
    """The chart's objects as `helm template` renders them with `--set` settings."""
    arguments = [str(HELM), "template", "prism", str(CHART)]
    for setting in settings:
        arguments += ["--set", setting]
    answer = subprocess.run(arguments, capture_output=True, text=True, check=False, timeout=120)
    assert answer.returncode == 0, answer.stderr
    return [document for document in yaml.safe_load_all(answer.stdout) if document]


def test_the_chart_runs_every_prism_process_as_a_probed_limited_unprivileged_deployment():
    objects = rendered()
    deployments = {o["metadata"]["name"].removeprefix("prism-"): o for o in objects if o["kind"] == "Deployment"}
    processes = process_table()
    assert set(deployments) == set(processes)
    for name, command in processes.items():
        pod = deployments[name]["spec"]["template"]["spec"]
        assert deployments[name]["metadata"]["namespace"] == "prism-dev", name
        (container,) = pod["containers"]
        assert container["command"] == command, name
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live", name
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready", name
        assert container["resources"]["limits"]["memory"], name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
    services = {o["metadata"]["name"] for o in objects if o["kind"] == "Service"}
    assert services == {"prism-command-api", "prism-query-api"}
    config = next(o for o in objects if o["kind"] == "ConfigMap")
    assert config["data"]["PRISM_TOPIC_PARTITIONS"] == "3"
    assert any(o["kind"] == "Secret" for o in objects), "the secret settings, when no existing Secret is named"


def test_consumer_groups_are_scaled_to_at_most_the_topics_partitions_in_the_environments_namespace():
    objects = rendered("partitions=2", "environment=prod", "existingSecret=prism-prod")
    namespaces = {o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"}
    assert namespaces == {"prism-prod"}
    assert not any(o["kind"] == "Secret" for o in objects), "the existing Secret is used"
    for deployment in (o for o in objects if o["kind"] == "Deployment"):
        kind = deployment["metadata"]["labels"]["prism.io/kind"]
        replicas = deployment["spec"]["replicas"]
        if kind == "consumer":
            assert 1 <= replicas <= 2, deployment["metadata"]["name"]
        env_from = deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"]
        assert {"secretRef": {"name": "prism-prod"}} in env_from
    projector = next(o for o in objects if o["metadata"]["name"] == "prism-projector-postgres")
    assert projector["spec"]["replicas"] == 2, "3 asked for, 2 partitions"


def test_mutual_tls_is_the_meshs_when_enabled_and_off_by_default():
    plain = [o for o in rendered() if o["kind"] in ("Deployment", "Namespace")]
    meshed = [o for o in rendered("mtls.enabled=true") if o["kind"] in ("Deployment", "Namespace")]
    assert len(plain) == len(meshed) > 1

    def annotations(objects):
        for o in objects:
            holder = o["spec"]["template"]["metadata"] if o["kind"] == "Deployment" else o["metadata"]
            yield o["metadata"]["name"], holder.get("annotations") or {}

    for name, given in annotations(plain):
        assert "linkerd.io/inject" not in given, name
    for name, given in annotations(meshed):
        assert given.get("linkerd.io/inject") == "enabled", name


def timeseries_schema_script(schema):
    """SQL creating `schema` as the timescale projector does: every time-series migration."""
    migrations = sorted((ROOT / "migrations" / "timeseries").glob("*.sql"))
    return "\n".join([f"CREATE SCHEMA {schema};", f"SET search_path TO {schema}, public;"] + [m.read_text() for m in migrations])


def test_the_kpi_dashboard_queries_run_on_the_time_series_schema():
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "prism-kpis.json").read_text())
    provisioned = yaml.safe_load((ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "timescaledb.yml").read_text())
    assert {panel["datasource"]["uid"] for panel in dashboard["panels"]} == {s["uid"] for s in provisioned["datasources"]}
    titles = " ".join(panel["title"].lower() for panel in dashboard["panels"])
    for kpi in ("revenue", "gross margin", "orders", "average order value", "stock turnover", "days sales outstanding", "cash"):
        assert kpi in titles, f"no panel for {kpi}"
    schema = f"tenant_grafana_check_{os.getpid()}"
    queries = []
    for panel in dashboard["panels"]:
        sql = panel["targets"][0]["rawSql"].replace("${tenant}", schema).replace("${currency}", "EUR")
        sql = re.sub(r"\$__timeFilter\(((?:[^()]|\([^()]*\))*)\)", r"(\1 >= now() - interval '90 days')", sql)
        assert "$" not in sql, sql
        queries.append(sql + ";")
    database = os.environ.get("PRISM_DATABASE_URL", "postgres://prism:prism@127.0.0.1:25432/prism")
    script = timeseries_schema_script(schema) + "\n" + "\n".join(queries)
    try:
        answer = subprocess.run(
            ["psql", database, "-v", "ON_ERROR_STOP=1", "-q", "-o", "/dev/null"],
            input=script, capture_output=True, text=True, check=False, timeout=120,
        )
        assert answer.returncode == 0, answer.stderr
    finally:
        subprocess.run(["psql", database, "-q", "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True, check=False)
