"""The OS-family registry: one vocabulary that drivers, CPE naming and vulnerabilities share."""

from __future__ import annotations

import importlib
import re

import pytest

from netsbom.core.errors import ConfigError
from netsbom.core.families import families, family, hardware_cpe_vendor, known_family


def test_ids_and_aliases_resolve_to_one_entry_each() -> None:
    names: dict[str, str] = {}
    for entry in families():
        for name in (entry.id, *entry.aliases):
            assert name.lower() not in names, (name, names.get(name.lower()), entry.id)
            names[name.lower()] = entry.id
            assert family(name).id == entry.id
            assert family(name.upper()).id == entry.id  # case-insensitive


def test_one_os_is_named_one_way() -> None:
    for alias in ("cisco_xe", "cisco_iosxe", "ios_xe", "iosxe", "ios-xe"):
        assert family(alias).id == "ios-xe"
    assert family("cisco.ios.ios").id == "ios"  # Ansible's network_os
    assert family("junipernetworks.junos.junos").id == "junos"


def test_unknown_names_are_refused_naming_what_is_known() -> None:
    with pytest.raises(ConfigError, match=r"unknown OS family or platform 'ios-xr-ng'.*ios-xe"):
        family("ios-xr-ng")
    assert known_family("ios-xr-ng") is None and known_family(None) is None


def test_every_grammar_named_exists_and_parses_a_version() -> None:
    examples = {"ios-xe": "17.9.4a", "junos": "21.4R3-S5", "panos": "10.2.4-h2", "eos": "4.30.2F"}
    for entry in families():
        if entry.versions is None:
            continue
        module = importlib.import_module(f"netsbom.core.versions.{entry.versions}")
        assert callable(module.parse), entry.id
        if entry.id in examples:
            assert module.parse(examples[entry.id], entry.id).family == entry.id


def test_cna_product_patterns_name_their_product() -> None:
    samples = {"ios-xe": "Cisco IOS XE Software", "junos": "Junos OS", "panos": "PAN-OS"}
    for entry in families():
        if entry.id in samples:
            assert entry.cna is not None
            assert re.fullmatch(entry.cna.products, samples[entry.id], re.IGNORECASE)


def test_ssh_drivers_point_at_families_with_their_own_driver() -> None:
    for entry in families():
        if entry.ssh is not None:
            served_by = family(entry.driver or "")
            assert served_by.ssh is not None and served_by.driver == served_by.id, entry.id
    assert family("junos-evolved").driver == "junos"
    assert family("ios-xe").module_name == "ios_xe"


def test_os_cpe_name_and_hardware_vendor() -> None:
    assert family("linux").os_cpe_name is None  # linux_kernel names the kernel, not the OS
    sros = family("sros").os_cpe_name
    assert sros is not None and (sros.vendor, sros.product) == ("nokia", "sr_os")
    assert hardware_cpe_vendor("Palo Alto Networks") == "paloaltonetworks"
    assert hardware_cpe_vendor("Acme") is None


def test_distributions_are_named_by_their_os_release_id() -> None:
    from netsbom.core.families import kernel_cpe_name

    for os_release_id, purl_type in (("debian", "deb"), ("ubuntu", "deb"), ("rhel", "rpm"),
                                     ("alpine", "apk"), ("fedora", "rpm")):  # fmt: skip
        entry = family(os_release_id)
        assert entry.id == os_release_id and entry.packages is not None
        assert entry.packages.purl == purl_type and entry.driver == "linux"
        assert entry.vendor == ""  # a distribution is not the maker of the box
    kernel = kernel_cpe_name()
    assert kernel is not None and (kernel.vendor, kernel.product) == ("linux", "linux_kernel")
