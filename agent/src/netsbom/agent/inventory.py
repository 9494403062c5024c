"""The agent's inventory: which targets to poll, how, and under which labels.

Validated at load with pydantic; an error names the file, the target and the field. Credentials are
references (``env:VAR`` / ``file:PATH``) checked for form here and resolved only when a device is
polled, so a missing secret fails that device, not the run.

    agent_id: site-a-agent
    concurrency: 32
    defaults:
      labels: {network: core}
      snmp: {version: "2c", community: "env:SNMP_COMMUNITY", timeout: 2, retries: 1}
    targets:
      - name: r1
        address: 192.0.2.1
        labels: {site: par1, role: edge}
        snmp: {port: 161}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netsbom.agent.credentials import Secret, is_reference, resolve
from netsbom.core.errors import ConfigError
from netsbom.core.identifiers import id_problem
from netsbom.core.perf import safe_load_yaml
from netsbom.core.record import Target

AuthProtocol = Literal["md5", "sha", "sha224", "sha256", "sha384", "sha512"]
PrivProtocol = Literal["des", "3des", "aes128", "aes192", "aes256"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _reference(value: str | None) -> str | None:
    if value is not None and not is_reference(value):
        raise ValueError("must be a reference (env:VAR or file:PATH), not a literal secret")
    return value


class SnmpSettings(_Strict):
    """How to reach a device over SNMP. Secrets are references until :meth:`resolve_secret`."""

    version: Literal["2c", "3"] = "2c"
    port: int = Field(default=161, ge=1, le=65535)
    community: str | None = None
    user: str | None = None
    auth_protocol: AuthProtocol | None = None
    auth_key: str | None = None
    priv_protocol: PrivProtocol | None = None
    priv_key: str | None = None
    context: str = ""
    timeout: float = Field(default=2.0, gt=0, le=60)  # per request
    retries: int = Field(default=1, ge=0, le=10)
    max_repetitions: int = Field(default=25, ge=1, le=200)

    _check_refs = field_validator("community", "auth_key", "priv_key")(_reference)

    @model_validator(mode="after")
    def _credentials_for_version(self) -> SnmpSettings:
        if self.version == "2c" and not self.community:
            raise ValueError("snmp version 2c needs a community reference")
        if self.version == "3":
            if not self.user:
                raise ValueError("snmp version 3 needs a user")
            if bool(self.auth_protocol) != bool(self.auth_key):
                raise ValueError("auth_protocol and auth_key go together")
            if bool(self.priv_protocol) != bool(self.priv_key):
                raise ValueError("priv_protocol and priv_key go together")
            if self.priv_protocol and not self.auth_protocol:
                raise ValueError("privacy needs authentication (authPriv)")
        return self

    def resolve_secret(self, name: Literal["community", "auth_key", "priv_key"]) -> Secret | None:
        reference: str | None = getattr(self, name)
        return resolve(reference) if reference else None


class JumpHost(_Strict):
    """An SSH bastion the session is tunnelled through (``direct-tcpip``)."""

    address: str = Field(min_length=1)
    port: int = Field(default=22, ge=1, le=65535)
    username: str = Field(min_length=1)
    password: str | None = None
    key_file: str | None = None  # a path: not a secret itself

    _check_refs = field_validator("password")(_reference)

    def resolve_secret(self, name: Literal["password"]) -> Secret | None:
        reference: str | None = getattr(self, name)
        return resolve(reference) if reference else None


class SshSettings(_Strict):
    """How to reach a device over SSH. Secrets are references until :meth:`resolve_secret`.

    ssh: {username: netsbom, password: "env:SSH_PASSWORD", platform: cisco_xe,
          known_hosts: ~/.ssh/known_hosts, host_key_policy: strict, legacy_algorithms: false}
    """

    port: int = Field(default=22, ge=1, le=65535)
    platform: str | None = None  # netmiko device_type; None = detect (sysObjectID, else netmiko)
    username: str = Field(min_length=1)
    password: str | None = None
    key_file: str | None = None  # private key path
    passphrase: str | None = None
    known_hosts: str = "~/.ssh/known_hosts"
    host_key_policy: Literal["strict", "tofu"] = "strict"
    legacy_algorithms: bool = False  # allow diffie-hellman-group14-sha1 / ssh-rsa for this target
    jump_host: JumpHost | None = None
    connect_timeout: float = Field(default=10.0, gt=0, le=300)
    auth_timeout: float = Field(default=10.0, gt=0, le=300)
    command_timeout: float = Field(default=30.0, gt=0, le=3600)
    max_output: int = Field(default=16 * 1024 * 1024, ge=1024)  # bytes per command; more: refused

    _check_refs = field_validator("password", "passphrase")(_reference)

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from netsbom.agent.platforms import get_platform

        try:
            return get_platform(value).name
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _credentials(self) -> SshSettings:
        if not self.password and not self.key_file:
            raise ValueError("ssh needs a password reference or a key_file")
        return self

    def resolve_secret(self, name: Literal["password", "passphrase"]) -> Secret | None:
        reference: str | None = getattr(self, name)
        return resolve(reference) if reference else None


class GnmiSettings(_Strict):
    """How to reach a device over gNMI: TLS by default (the system's roots, or ``ca_file``),
    mTLS with ``cert_file``/``key_file``; ``insecure: true`` (plaintext) only on loopback.

    gnmi: {port: 6030, username: netsbom, password: "env:GNMI_PASSWORD", ca_file: ca.pem}
    """

    port: int = Field(default=9339, ge=1, le=65535)  # IANA's gNMI port
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None  # a path: not a secret itself
    server_name: str | None = None  # TLS name to verify when it differs from the address
    insecure: bool = False
    encoding: Literal["json_ietf", "json"] = "json_ietf"
    timeout: float = Field(default=10.0, gt=0, le=300)  # per RPC

    _check_refs = field_validator("password")(_reference)

    @model_validator(mode="after")
    def _pairs(self) -> GnmiSettings:
        if bool(self.username) != bool(self.password):
            raise ValueError("username and password go together")
        if bool(self.cert_file) != bool(self.key_file):
            raise ValueError("cert_file and key_file go together")
        if self.insecure and (self.ca_file or self.cert_file):
            raise ValueError("insecure (plaintext) and TLS files exclude each other")
        return self

    def resolve_secret(self, name: Literal["password"]) -> Secret | None:
        reference: str | None = getattr(self, name)
        return resolve(reference) if reference else None


class NetconfSettings(_Strict):
    """How to reach a device over NETCONF (SSH subsystem ``netconf``, RFC 6242).

    netconf: {username: netsbom, password: "env:NC_PASSWORD", known_hosts: ~/.ssh/known_hosts}
    """

    port: int = Field(default=830, ge=1, le=65535)
    username: str = Field(min_length=1)
    password: str | None = None
    key_file: str | None = None
    known_hosts: str = "~/.ssh/known_hosts"
    host_key_policy: Literal["strict", "tofu"] = "strict"
    timeout: float = Field(default=30.0, gt=0, le=600)  # per RPC

    _check_refs = field_validator("password")(_reference)

    @model_validator(mode="after")
    def _credentials(self) -> NetconfSettings:
        if not self.password and not self.key_file:
            raise ValueError("netconf needs a password reference or a key_file")
        return self

    def resolve_secret(self, name: Literal["password"]) -> Secret | None:
        reference: str | None = getattr(self, name)
        return resolve(reference) if reference else None


TRANSPORTS = ("snmp", "ssh", "gnmi", "netconf")


class TargetSpec(_Strict):
    name: str = Field(min_length=1, max_length=253)
    address: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)
    snmp: SnmpSettings | None = None
    ssh: SshSettings | None = None
    gnmi: GnmiSettings | None = None
    netconf: NetconfSettings | None = None
    deadline: float = Field(default=60.0, gt=0, le=3600)  # whole poll of this device

    def target(self, transport: str) -> Target:
        """The record's target when polled over ``transport`` (its port from that section)."""
        settings = getattr(self, transport, None)
        port = settings.port if settings is not None else 0
        return Target(self.name, self.address, port, transport, tuple(sorted(self.labels.items())))

    @model_validator(mode="after")
    def _has_transport(self) -> TargetSpec:
        if all(getattr(self, name) is None for name in TRANSPORTS):
            raise ValueError("a target needs an 'snmp', 'ssh', 'gnmi' or 'netconf' section")
        if self.gnmi is not None and self.gnmi.insecure:
            from netsbom.core.net import is_loopback

            if not is_loopback(f"[{self.address}]:0"):
                raise ValueError("gnmi: insecure (plaintext) is allowed on loopback only")
        return self


class Defaults(_Strict):
    labels: dict[str, str] = Field(default_factory=dict)
    snmp: dict[str, Any] | None = None
    ssh: dict[str, Any] | None = None
    gnmi: dict[str, Any] | None = None
    netconf: dict[str, Any] | None = None
    deadline: float | None = None


class Inventory(_Strict):
    agent_id: str = Field(default="agent", min_length=1)
    concurrency: int = Field(default=32, ge=1, le=1024)
    refresh: float | None = Field(default=None, gt=0)  # `agent run` re-reads the source (NetBox)
    targets: list[TargetSpec]

    @field_validator("agent_id")
    @classmethod
    def _safe_agent_id(cls, value: str) -> str:
        problem = id_problem(value, "agent_id")  # it names the spool folder: no path escape
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> Inventory:
        seen: set[str] = set()
        for target in self.targets:
            if target.name in seen:
                raise ValueError(f"duplicate target name {target.name!r}")
            seen.add(target.name)
        return self


def read_yaml(path: Path) -> Any:
    """A YAML file's content; unreadable, non-UTF-8 or invalid YAML is one ConfigError line."""
    try:
        return safe_load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read inventory: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from None


def load_inventory(path: Path) -> Inventory:
    """Load and validate an inventory file; every problem becomes one :class:`ConfigError` line."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: an inventory is a mapping with a 'targets' list")
    return parse_inventory(raw, source=str(path))


def parse_inventory(raw: dict[str, Any], *, source: str = "<inventory>") -> Inventory:
    defaults_raw = raw.get("defaults") or {}
    if not isinstance(defaults_raw, dict):
        raise ConfigError(f"{source}: field 'defaults': must be a mapping")
    try:
        defaults = Defaults.model_validate(defaults_raw)
    except ValidationError as exc:
        raise ConfigError(_describe(source, exc, raw, prefix=("defaults",))) from None
    targets = raw.get("targets")
    if not isinstance(targets, list):
        raise ConfigError(f"{source}: field 'targets': a list of targets is required")
    merged = [_apply_defaults(t, defaults) if isinstance(t, dict) else t for t in targets]
    try:
        body = {k: v for k, v in raw.items() if k != "defaults"}
        return Inventory.model_validate({**body, "targets": merged})
    except ValidationError as exc:
        raise ConfigError(_describe(source, exc, {"targets": merged})) from None


def _apply_defaults(target: dict[str, Any], defaults: Defaults) -> dict[str, Any]:
    """Defaults under the target's own values; ill-typed values are left for validation."""
    out = dict(target)
    labels = target.get("labels")
    if labels is None or isinstance(labels, dict):
        out["labels"] = {**defaults.labels, **(labels or {})}
    snmp = target.get("snmp", {})
    if defaults.snmp is not None and isinstance(snmp, dict):
        out["snmp"] = {**defaults.snmp, **snmp}
    for name in ("ssh", "gnmi", "netconf"):  # only where the target has the section
        given = getattr(defaults, name)
        if given is not None and name in target and target[name] is not None:
            section = target[name]
            out[name] = {**given, **section} if isinstance(section, dict) else section
    if defaults.deadline is not None:
        out.setdefault("deadline", defaults.deadline)
    return out


def _describe(
    source: str, exc: ValidationError, raw: dict[str, Any], prefix: tuple[str, ...] = ()
) -> str:
    """``file: target 'r1': field 'snmp.port': Input should be ...`` for the first error."""
    error = exc.errors()[0]
    loc = prefix + tuple(str(part) for part in error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "targets" and loc[1].isdigit():
        index = int(loc[1])
        entry = raw["targets"][index] if index < len(raw["targets"]) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"target {name!r} " if name else ""
        where += f"(targets[{index}]): "
        loc = loc[2:]
    field_name = ".".join(loc) or "(the entry itself)"
    message = error["msg"].removeprefix("Value error, ")
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{source}: {where}field '{field_name}': {message}{more}"
