"""deploy/: the Dockerfile, compose file, Kubernetes manifests and systemd units agree with
the code.

They are parsed, not run (no container engine or cluster here): every netsbom command line they
hold names a real command with real options, ports agree with the collector's listen port,
volumes/secrets/config maps they mount are declared, and the containers run as non-root."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from netsbom.core.cli import cli
from tests.conftest import REPO

DEPLOY = REPO / "deploy"
IMAGE = "netsbom:0.2"  # compose: the image with everything (target all)


def _collector_port() -> int:
    command = _command(["collector", "serve"])[0]
    listen = next(p for p in command.params if p.name == "listen")
    return int(str(listen.default).rsplit(":", 1)[1])


def _command(argv: list[str]) -> tuple[click.Command, list[str]]:
    """The click command an argv names and the rest of the argv."""
    command: click.Command = cli
    rest = list(argv)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"no command {rest[0]!r} in {argv}"
        command, rest = sub, rest[1:]
    assert not isinstance(command, click.Group), f"{argv} names a group, not a command"
    return command, rest


def check_command_line(argv: list[str]) -> dict[str, str | None]:
    """Assert ``argv`` (after ``netsbom``) parses as a netsbom command; returns its options."""
    command, rest = _command(argv)
    options: dict[str, click.Option] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in param.opts:
                options[name] = param
    positional = sum(1 for p in command.params if isinstance(p, click.Argument))
    seen: dict[str, str | None] = {}
    index = 0
    while index < len(rest):
        token = rest[index]
        if not token.startswith("--"):
            assert positional > 0, f"unexpected argument {token!r} in {argv}"
            positional -= 1
            index += 1
            continue
        assert token in options, f"{' '.join(argv[:2])} has no option {token}"
        option = options[token]
        if option.is_flag:
            seen[token] = None
            index += 1
        else:
            assert index + 1 < len(rest), f"{token} needs a value in {argv}"
            seen[token] = rest[index + 1]
            index += 2
    return seen


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_is_slim_multistage_nonroot() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)", text, re.M)
    assert {"build", "runtime", "agent", "collector", "all"} <= {name for _, name in stages}
    assert all("slim" in base for base, _ in stages if ":" in base)
    for target in ("agent", "collector", "all"):
        body = text.split(f" AS {target}\n", 1)[1].split("\nFROM ", 1)[0]
        users = re.findall(r"^USER\s+(\S+)", body, re.M)
        assert users and users[-1].split(":")[0] not in ("root", "0"), target
    agent = text.split(" AS agent\n", 1)[1].split("\nFROM ", 1)[0]
    installed = agent.split("pip install", 1)[1].split("\nUSER", 1)[0]  # the whole RUN
    assert "netsbom-agent" in installed and "collector" not in installed
    collector = text.split(" AS collector\n", 1)[1].split("\nFROM ", 1)[0]
    assert str(_collector_port()) in re.findall(r"^EXPOSE\s+(.+)$", collector, re.M)[0].split()
    assert re.search(r'^ENTRYPOINT \["netsbom"\]', text, re.M)
    for source in re.findall(r"^COPY\s+(?!--from)(\S+)", text, re.M):
        assert (REPO / source).exists(), f"COPY {source}: not in the repository"
    assert "postgresql" in collector  # psycopg for the PostgreSQL store
    extras = re.findall(r"netsbom-collector\[([^\]]*)\]", collector)[0].split(",")
    assert "web" in extras and "8080" in collector  # the console (collector serve --http)
    assert "pkcs11" in extras and "pkcs11" not in installed  # HSM signing: collector only
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests"} <= set(ignored)


# --- compose ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return data


def test_compose_services_and_commands(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "collector", "agent", "lab"} <= set(services)
    port = _collector_port()
    collector = check_command_line(services["collector"]["command"])
    assert _port(str(collector["--listen"])) == port
    assert str(collector["--db"]).startswith("postgresql+psycopg://")
    assert f"127.0.0.1:{port}:{port}" in services["collector"]["ports"]
    agent = check_command_line(services["agent"]["command"])
    assert agent["--collector"] == f"collector:{port}"
    assert services["agent"]["network_mode"] == "service:lab"  # the lab lives on its loopback
    lab = check_command_line(services["lab"]["command"])
    assert lab["--inventory-out"] == agent["--inventory"]
    tokens = services["tokens"]["command"][0]
    token_argv = shlex.split(tokens.split("||", 1)[1].split(">", 1)[0])
    assert token_argv[0] == "netsbom"
    check_command_line(token_argv[1:])
    assert services["agent"]["environment"]["NETSBOM_AGENT_TOKEN"].startswith("file:")
    for name, service in services.items():
        if name != "postgres":
            assert service["image"] == IMAGE


def test_compose_volumes_and_secrets_are_declared(compose: dict[str, Any]) -> None:
    volumes = set(compose["volumes"])
    secrets = set(compose["secrets"])
    for name, service in compose["services"].items():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source in volumes, f"{name}: volume {source} is not declared"
        for secret in service.get("secrets", []):
            source = secret if isinstance(secret, str) else secret["source"]
            assert source in secrets, f"{name}: secret {source} is not declared"
    agent = compose["services"]["agent"]
    spool = check_command_line(agent["command"])["--spool"]
    assert any(m.split(":")[1] == spool for m in agent["volumes"]), "the spool is not a volume"


# --- Kubernetes -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def _kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def test_k8s_objects_exist_and_are_namespaced(manifests: list[dict[str, Any]]) -> None:
    kinds = {d["kind"] for d in manifests}
    assert {
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "StatefulSet",
        "Secret",
        "ConfigMap",
        "Namespace",
    } <= kinds
    for doc in manifests:
        assert doc["apiVersion"] and doc["metadata"]["name"]
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "netsbom"


def _pod(workload: dict[str, Any]) -> dict[str, Any]:
    pod: dict[str, Any] = workload["spec"]["template"]["spec"]
    return pod


def test_k8s_collector_ports_probes_and_pdb(manifests: list[dict[str, Any]]) -> None:
    port = _collector_port()
    (deployment,) = _kind(manifests, "Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert deployment["spec"]["replicas"] >= 2
    (container,) = _pod(deployment)["containers"]
    args = check_command_line(container["args"])
    assert _port(str(args["--listen"])) == port
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["grpc"] == port
    assert _port(str(args["--metrics-listen"])) == ports["metrics"]
    assert container["readinessProbe"]["tcpSocket"]["port"] == "grpc"
    (service,) = _kind(manifests, "Service")
    assert service["spec"]["selector"].items() <= labels.items()
    service_ports = {p["name"]: p for p in service["spec"]["ports"]}
    assert service_ports["grpc"]["port"] == port and service_ports["grpc"]["targetPort"] == "grpc"
    # the console: HTTPS with the collector's certificate (--http with --tls-cert/--tls-key)
    assert _port(str(args["--http"])) == ports["https"] == service_ports["https"]["port"]
    assert "--tls-cert" in args and "--insecure" not in args
    (pdb,) = _kind(manifests, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["minAvailable"] < deployment["spec"]["replicas"]


def test_k8s_agent_spool_is_persistent_and_collector_address_matches(
    manifests: list[dict[str, Any]],
) -> None:
    port = _collector_port()
    (statefulset,) = _kind(manifests, "StatefulSet")
    (container,) = _pod(statefulset)["containers"]
    args = check_command_line(container["args"])
    service = _kind(manifests, "Service")[0]["metadata"]["name"]
    assert args["--collector"] == f"{service}.netsbom.svc:{port}"
    claims = {t["metadata"]["name"] for t in statefulset["spec"]["volumeClaimTemplates"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert mounts[str(args["--spool"])] in claims
    inventory_dir = str(Path(str(args["--inventory"])).parent)
    config_map = next(v for v in _pod(statefulset)["volumes"] if v["name"] == mounts[inventory_dir])
    (inventory_cm,) = [
        c
        for c in _kind(manifests, "ConfigMap")
        if c["metadata"]["name"] == config_map["configMap"]["name"]
    ]
    from netsbom.agent.inventory import parse_inventory

    parse_inventory(yaml.safe_load(inventory_cm["data"][Path(str(args["--inventory"])).name]))
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["NETSBOM_AGENT_TOKEN"].startswith("file:/etc/netsbom/agent/")


def test_k8s_volumes_reference_declared_objects_and_run_as_non_root(
    manifests: list[dict[str, Any]],
) -> None:
    secrets = {d["metadata"]["name"]: d for d in _kind(manifests, "Secret")}
    config_maps = {d["metadata"]["name"] for d in _kind(manifests, "ConfigMap")}
    for workload in _kind(manifests, "Deployment") + _kind(manifests, "StatefulSet"):
        pod = _pod(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        declared = {v["name"] for v in pod["volumes"]}
        declared |= {
            t["metadata"]["name"] for t in workload["spec"].get("volumeClaimTemplates", [])
        }
        role = "agent" if "agent" in workload["metadata"]["name"] else "collector"
        for container in pod["containers"]:
            assert container["image"] == f"netsbom-{role}:0.2"  # the Dockerfile's role targets
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            for mount in container["volumeMounts"]:
                assert mount["name"] in declared
        for volume in pod["volumes"]:
            if "secret" in volume:
                assert volume["secret"]["secretName"] in secrets
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps
    tls = secrets["netsbom-collector-tls"]
    assert tls["type"] == "kubernetes.io/tls" and {"tls.crt", "tls.key"} <= set(tls["stringData"])
    (deployment,) = _kind(manifests, "Deployment")
    args = check_command_line(_pod(deployment)["containers"][0]["args"])
    mounts = {m["name"]: m["mountPath"] for m in _pod(deployment)["containers"][0]["volumeMounts"]}
    assert args["--tls-cert"] == f"{mounts['tls']}/tls.crt"
    assert args["--tokens"] == f"{mounts['tokens']}/tokens.yaml"


# --- systemd ----------------------------------------------------------------------------------


def _unit(path: Path) -> dict[str, list[str]]:
    """key -> values (keys may repeat), line continuations joined."""
    text = path.read_text().replace("\\\n", " ")
    values: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        values.setdefault(key.strip(), []).append(value.strip())
    return values


@pytest.mark.parametrize("name", ["netsbom-collector.service", "netsbom-agent@.service"])
def test_systemd_units(name: str) -> None:
    unit = _unit(DEPLOY / "systemd" / name)
    (exec_start,) = unit["ExecStart"]
    argv = shlex.split(exec_start)
    assert argv[0].endswith("/netsbom")
    options = check_command_line(argv[1:])
    assert unit["DynamicUser"] == ["yes"] and unit["NoNewPrivileges"] == ["yes"]
    credentials = {c.split(":", 1)[0] for c in unit.get("LoadCredential", [])}
    for value in options.values():
        if value and value.startswith("${CREDENTIALS_DIRECTORY}/"):
            assert value.split("/", 1)[1] in credentials
    if "collector" in name:
        assert _port(str(options["--listen"])) == _collector_port()
    else:
        assert str(options["--spool"]).startswith("${STATE_DIRECTORY}")
        assert "NETSBOM_AGENT_TOKEN=file:%d/token" in unit["Environment"]
