"""Targets from inventories users already have: Nornir SimpleInventory and Ansible YAML.

Each reader turns the foreign inventory into the raw dict that
:func:`netsbom.agent.inventory.parse_inventory` validates (``agent_id``, ``concurrency``,
``targets``), so every rule of netsbom's own format (credential references only, one transport at
least, unique names) applies unchanged. The field mapping is documented in docs/inventories.md:

- address: Nornir ``hostname`` / Ansible ``ansible_host`` (else the inventory name);
- labels: ``site``, ``role``, ``network``, ``region``, ``tenant``, ``environment`` when they are
  plain values in Nornir ``data`` / Ansible variables, plus an explicit ``netsbom`` mapping's
  ``labels``, plus ``groups`` (the group names, comma-separated);
- ``snmp`` / ``ssh`` sections: Nornir ``data.netsbom.snmp`` / ``data.netsbom.ssh``; Ansible
  ``netsbom_snmp`` / ``netsbom_ssh`` (dicts passed through as they are). Where an ``ssh`` section
  is present, the inventory's own user, port and platform fill in what it leaves out (Nornir
  ``username``/``port``/``platform``; Ansible ``ansible_user``/``ansible_port``/
  ``ansible_network_os``);
- passwords: a Nornir ``password`` (also under ``connection_options``) or an Ansible
  ``ansible_password``-like variable must be a reference (``env:VAR``/``file:PATH``) like every
  secret netsbom reads: a literal one is refused with an error naming the host and the field
  (never the value). A reference fills in the ``ssh`` section's ``password``.

    raw = read_inventory(Path("nornir/hosts.yaml"), "auto")
    inventory = parse_inventory(raw, source="nornir/hosts.yaml")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from netsbom.core.errors import ConfigError

__all__ = [
    "FORMATS",
    "InventoryFormat",
    "detect_format",
    "from_ansible",
    "from_nornir",
    "load_any_inventory",
    "read_inventory",
]

InventoryFormat = Literal["netsbom", "nornir", "ansible"]
FORMATS: tuple[str, ...] = ("auto", "netsbom", "nornir", "ansible")

LABEL_KEYS = ("site", "role", "network", "region", "tenant", "environment")
_NORNIR_HOST_KEYS = frozenset(
    {"hostname", "port", "username", "password", "platform", "groups", "data",
     "connection_options"}
)  # fmt: skip
_ANSIBLE_GROUP_KEYS = frozenset({"hosts", "vars", "children"})
# Ansible variables holding secrets (connection, become, network and httpapi plugins).
ANSIBLE_SECRET_VARS = (
    "ansible_password",
    "ansible_ssh_pass",
    "ansible_ssh_password",
    "ansible_become_password",
    "ansible_become_pass",
    "ansible_httpapi_password",
    "ansible_httpapi_pass",
    "ansible_net_password",
    "ansible_net_auth_pass",
    "ansible_ssh_private_key_passphrase",
)


# --- loading --------------------------------------------------------------------------------------


def load_any_inventory(path: Path, fmt: str = "auto") -> Any:
    """Load, convert and validate an inventory of any supported format -> ``Inventory``."""
    from netsbom.agent.inventory import load_inventory, parse_inventory

    chosen = detect_format(path) if fmt == "auto" else fmt
    if chosen == "netsbom" and not _is_netbox(path):
        return load_inventory(path)
    return parse_inventory(read_inventory(path, chosen), source=str(path))


def read_inventory(path: Path, fmt: str = "auto") -> dict[str, Any]:
    """The netsbom raw inventory dict for ``path`` in ``fmt`` (``auto`` detects it)."""
    if fmt not in FORMATS:
        raise ConfigError(f"{path}: unknown inventory format {fmt!r} (one of {', '.join(FORMATS)})")
    chosen = detect_format(path) if fmt == "auto" else fmt
    if chosen == "nornir":
        hosts_path, groups_path, defaults_path = _nornir_files(path)
        return from_nornir(
            _mapping(hosts_path),
            _mapping(groups_path) if groups_path else {},
            _mapping(defaults_path) if defaults_path else {},
            source=str(hosts_path),
        )
    raw = _mapping(path)
    if chosen == "ansible":
        return from_ansible(raw, source=str(path))
    if raw.get("source") == "netbox":  # targets read from NetBox (agent/netbox/source.py)
        from netsbom.agent.netbox.source import from_netbox

        return from_netbox(raw, source=str(path))
    if raw.get("source") == "nautobot":  # from Nautobot (agent/netbox/nautobot.py)
        from netsbom.agent.netbox.nautobot import from_nautobot

        return from_nautobot(raw, source=str(path))
    return raw


def detect_format(path: Path) -> InventoryFormat:
    """netsbom (a ``targets`` list or ``source: netbox|nautobot``), Ansible (``all`` or groups of
    hosts/vars/children), or Nornir (a directory with hosts.yaml, or a mapping of hosts with
    Nornir's host keys)."""
    if path.is_dir():
        return "nornir"
    raw = _mapping(path)
    if "targets" in raw or "source" in raw:
        return "netsbom"
    values = [v for v in raw.values() if isinstance(v, dict)]
    if "all" in raw or (values and all(set(v) <= _ANSIBLE_GROUP_KEYS for v in values)
                        and any(set(v) & {"hosts", "children"} for v in values)):  # fmt: skip
        return "ansible"
    if values and all(set(v) <= _NORNIR_HOST_KEYS for v in values):
        return "nornir"
    if not raw:
        return "nornir" if path.stem in ("hosts", "nornir") else "netsbom"
    raise ConfigError(
        f"{path}: cannot tell the inventory format; give --inventory-format netsbom|nornir|ansible"
    )


def _is_netbox(path: Path) -> bool:
    """An inventory whose targets a server (NetBox, Nautobot) holds."""
    return path.is_file() and _mapping(path).get("source") in ("netbox", "nautobot")


def _nornir_files(path: Path) -> tuple[Path, Path | None, Path | None]:
    """hosts.yaml and its groups.yaml / defaults.yaml siblings (each may be .yml)."""
    directory = path if path.is_dir() else path.parent
    hosts = path if path.is_file() else _sibling(directory, "hosts")
    if hosts is None:
        raise ConfigError(f"{path}: no hosts.yaml (Nornir SimpleInventory) here")
    return hosts, _sibling(directory, "groups"), _sibling(directory, "defaults")


def _sibling(directory: Path, stem: str) -> Path | None:
    for suffix in (".yaml", ".yml"):
        candidate = directory / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _mapping(path: Path) -> dict[str, Any]:
    from netsbom.agent.inventory import read_yaml

    raw = read_yaml(path)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: an inventory file is a mapping")
    return raw


# --- Nornir ---------------------------------------------------------------------------------------


def from_nornir(
    hosts: Mapping[str, Any],
    groups: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    *,
    source: str = "<nornir>",
) -> dict[str, Any]:
    """Nornir SimpleInventory (hosts, groups, defaults) -> netsbom raw inventory.

    Attribute resolution follows Nornir: the host's own value, else its groups' in order
    (each group before its own parent groups, depth first), else the defaults."""
    groups = groups or {}
    defaults = defaults or {}
    for kind, table in (("hosts", hosts), ("groups", groups)):
        for name, entry in table.items():
            if entry is not None and not isinstance(entry, dict):
                raise ConfigError(f"{source}: {kind[:-1]} {name!r}: must be a mapping")
    if not isinstance(defaults, dict):
        raise ConfigError(f"{source}: defaults must be a mapping")
    targets = []
    for name, entry in hosts.items():
        host = entry or {}
        chain = [host, *(_group_entries(host, groups, source, str(name))), defaults]
        data = _merged_data(chain)
        netsbom = _dict(data.get("netsbom"), f"{source}: host {name!r}: data.netsbom")
        target: dict[str, Any] = {
            "name": str(name),
            "address": str(_first(chain, "hostname") or name),
            "labels": _labels(data, netsbom, _group_names(host, groups)),
        }
        if "snmp" in netsbom:
            target["snmp"] = netsbom["snmp"]
        where = f"{source}: host {name!r}"
        password = _reference(_first(chain, "password"), where, "password")
        for level in chain:
            options = level.get("connection_options")
            for plugin, option in options.items() if isinstance(options, dict) else ():
                if isinstance(option, dict):
                    field = f"connection_options.{plugin}.password"
                    _reference(option.get("password"), where, field)
        if "ssh" in netsbom:
            target["ssh"] = _ssh(
                netsbom["ssh"],
                user=_first(chain, "username"),
                port=_first(chain, "port"),
                platform=_first(chain, "platform"),
                password=password,
            )
        if "deadline" in netsbom:
            target["deadline"] = netsbom["deadline"]
        targets.append(target)
    top = _dict(_merged_data([defaults]).get("netsbom"), f"{source}: defaults data.netsbom")
    return _inventory(top, targets)


def _group_entries(
    host: Mapping[str, Any], groups: Mapping[str, Any], source: str, name: str
) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    seen: set[str] = set()

    def visit(group_names: Iterable[Any], owner: str) -> None:
        for group in group_names:
            key = str(group)
            if key in seen:
                continue
            if key not in groups:
                raise ConfigError(f"{source}: {owner}: unknown group {key!r}")
            seen.add(key)
            entry = groups[key] or {}
            out.append(entry)
            visit(_list(entry.get("groups"), f"group {key!r}", source), f"group {key!r}")

    visit(_list(host.get("groups"), f"host {name!r}", source), f"host {name!r}")
    return out


def _group_names(host: Mapping[str, Any], groups: Mapping[str, Any]) -> list[str]:
    return [str(g) for g in host.get("groups") or () if str(g) in groups]


def _first(chain: Iterable[Mapping[str, Any]], key: str) -> Any:
    for entry in chain:
        value = entry.get(key)
        if value is not None:
            return value
    return None


def _merged_data(chain: list[Mapping[str, Any]]) -> dict[str, Any]:
    """``data`` across the chain, the most specific first wins per key (``netsbom`` merged one
    level deeper, so a group can give ``snmp`` and the host ``labels``)."""
    merged: dict[str, Any] = {}
    for entry in reversed(chain):
        data = entry.get("data") or {}
        if not isinstance(data, dict):
            continue
        for key, value in data.items():
            if key == "netsbom" and isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = _deep_merge(merged[key], value)
            else:
                merged[key] = value
    return merged


# --- Ansible --------------------------------------------------------------------------------------


def from_ansible(raw: Mapping[str, Any], *, source: str = "<ansible>") -> dict[str, Any]:
    """Ansible YAML inventory -> netsbom raw inventory.

    Variable precedence follows Ansible: ``all`` < parent groups < child groups < host vars;
    groups of the same depth merge in name order (later wins)."""
    roots = raw if "all" not in raw else {"all": raw["all"]}
    hosts: dict[str, list[tuple[int, str, Mapping[str, Any]]]] = {}
    host_vars: dict[str, dict[str, Any]] = {}

    def visit(name: str, group: Any, depth: int, inherited: list[tuple[int, str, Any]]) -> None:
        if group is None:
            group = {}
        if not isinstance(group, dict):
            raise ConfigError(f"{source}: group {name!r}: must be a mapping")
        own = _dict(group.get("vars"), f"{source}: group {name!r}: vars")
        chain = [*inherited, (depth, name, own)]
        members = group.get("hosts") or {}
        if not isinstance(members, dict):
            raise ConfigError(f"{source}: group {name!r}: hosts must be a mapping")
        for host, values in members.items():
            key = str(host)
            stack = hosts.setdefault(key, [])
            stack.extend(item for item in chain if item not in stack)
            host_vars.setdefault(key, {}).update(
                _dict(values, f"{source}: host {key!r}") if values else {}
            )
        children = group.get("children") or {}
        if not isinstance(children, dict):
            raise ConfigError(f"{source}: group {name!r}: children must be a mapping")
        for child, body in children.items():
            visit(str(child), body, depth + 1, chain)

    for name, group in roots.items():
        visit(str(name), group, 0, [])
    top: dict[str, Any] = {}
    targets = []
    for host, chain in hosts.items():
        variables: dict[str, Any] = {}
        for _depth, _name, values in sorted(chain, key=lambda item: (item[0], item[1])):
            variables.update(values)
        variables.update(host_vars.get(host, {}))
        netsbom = {
            key.removeprefix("netsbom_"): value
            for key, value in variables.items()
            if key.startswith("netsbom_")
        }
        group_names = sorted({name for _d, name, _v in chain if name not in ("all", "ungrouped")})
        target: dict[str, Any] = {
            "name": host,
            "address": str(variables.get("ansible_host") or host),
            "labels": _labels(variables, netsbom, group_names),
        }
        if "snmp" in netsbom:
            target["snmp"] = netsbom["snmp"]
        where = f"{source}: host {host!r}"
        secrets = {key: _reference(variables.get(key), where, key) for key in ANSIBLE_SECRET_VARS}
        if "ssh" in netsbom:
            target["ssh"] = _ssh(
                netsbom["ssh"],
                user=variables.get("ansible_user"),
                port=variables.get("ansible_port"),
                platform=variables.get("ansible_network_os"),
                password=secrets["ansible_password"]
                or secrets["ansible_ssh_pass"]
                or secrets["ansible_ssh_password"],
            )
        if "deadline" in netsbom:
            target["deadline"] = netsbom["deadline"]
        for key in ("agent_id", "concurrency"):
            if key in netsbom:
                top[key] = netsbom[key]
        targets.append(target)
    return _inventory(top, targets)


# --- shared ---------------------------------------------------------------------------------------


def _labels(values: Mapping[str, Any], netsbom: Mapping[str, Any], groups: list[str]) -> Any:
    labels: dict[str, Any] = {
        key: str(values[key])
        for key in LABEL_KEYS
        if isinstance(values.get(key), str | int | float) and not isinstance(values[key], bool)
    }
    if groups:
        labels["groups"] = ",".join(groups)
    explicit = netsbom.get("labels")
    if isinstance(explicit, dict):
        labels.update(explicit)
    elif explicit is not None:
        return explicit  # ill-typed: left for parse_inventory to name
    return labels


def _reference(value: Any, where: str, field: str) -> str | None:
    """A secret of a foreign inventory: None, or a reference; a literal is refused."""
    from netsbom.agent.credentials import is_reference

    if value is None:
        return None
    if not isinstance(value, str) or not is_reference(value):
        raise ConfigError(
            f"{where}: field {field!r}: a literal secret; netsbom takes only references"
            " (env:VAR or file:PATH) and refuses the inventory"
        )
    return value


def _ssh(section: Any, *, user: Any, port: Any, platform: Any, password: str | None) -> Any:
    if not isinstance(section, dict):
        return section  # ill-typed: parse_inventory names it
    out = dict(section)
    if password is not None:
        out.setdefault("password", password)
    if user is not None:
        out.setdefault("username", str(user))
    if port is not None:
        out.setdefault("port", port)
    if platform is not None:  # Nornir / NAPALM / Ansible names are registry aliases
        out.setdefault("platform", str(platform))
    return out


def _inventory(top: Mapping[str, Any], targets: list[dict[str, Any]]) -> dict[str, Any]:
    raw: dict[str, Any] = {"targets": targets}
    for key in ("agent_id", "concurrency"):
        if key in top:
            raw[key] = top[key]
    return raw


def _dict(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a mapping")
    return value


def _list(value: Any, owner: str, source: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"{source}: {owner}: groups must be a list")
    return value


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out
