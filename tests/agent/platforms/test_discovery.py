"""SSH drivers are discovered, not listed: a module with PLATFORM plus its registry entry."""

from __future__ import annotations

import pkgutil

import pytest

from netsbom.agent import platforms
from netsbom.agent.platforms import PLATFORMS, get_platform, platform_for_family
from netsbom.core.errors import ConfigError
from netsbom.core.families import families


def test_every_registry_driver_has_its_module_and_every_module_its_entry() -> None:
    registered = {entry.driver for entry in families() if entry.driver}
    assert set(PLATFORMS) == registered
    modules = {m.name for m in pkgutil.iter_modules(platforms.__path__)}
    for name, driver in PLATFORMS.items():
        assert name.replace("-", "_") in modules
        assert driver.netmiko  # from the registry
        assert driver.os_name


def test_aliases_reach_drivers_and_families_without_one_do_not() -> None:
    assert get_platform("cisco_xe") is PLATFORMS["ios-xe"]
    assert get_platform("cumulus") is PLATFORMS["linux"]  # served by the Linux driver
    assert platform_for_family("junos-evolved") == "junos"
    assert platform_for_family("ftd") == "asa"  # FTD's CLI is served by the ASA driver
    assert platform_for_family("sonicos") is None
    with pytest.raises(ConfigError, match="no SSH driver for platform 'sonicos'"):
        get_platform("sonicos")
