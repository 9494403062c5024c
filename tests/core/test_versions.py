"""Vendor version grammars: train + position, order only within a train."""

from __future__ import annotations

import pytest

from netsbom.core.versions import (
    FAMILIES,
    VersionError,
    compare,
    grammar,
    parse_version,
    train_order,
)
from netsbom.core.versions import order as version_order


def order(family: str, a: str, b: str) -> int | None:
    return compare(parse_version(family, a), parse_version(family, b))


@pytest.mark.parametrize(
    ("family", "lower", "higher"),
    [
        ("ios", "15.2(4)M7", "15.2(4)M10"),
        ("ios", "15.2(4)M", "15.2(4)M1"),
        ("ios", "15.2(4)M10", "15.2(5)M1"),
        ("ios", "12.4(13c)", "12.4(13d)"),
        ("ios", "12.4(24)T3", "12.4(24)T3e"),
        ("ios", "12.2(55)SE8", "12.2(55)SE10"),
        ("ios-xe", "17.9.4", "17.9.4a"),
        ("ios-xe", "17.9.4a", "17.9.4b"),
        ("ios-xe", "16.12.9", "16.12.10a"),
        ("ios-xe", "3.16.1S", "3.16.1aS"),
        ("nxos", "9.3(9)", "9.3(15)"),
        ("nxos", "6.2(11)", "6.2(11e)"),
        ("nxos", "7.0(3)I4(3)", "7.0(3)I4(10)"),
        ("nxos", "6.0(2)A6(5)", "6.0(2)A6(5a)"),
        ("iosxr", "6.6.3", "6.6.25"),
        ("asa", "9.16(4)", "9.16(4)19"),
        ("asa", "9.16.4.19", "9.16.4.42"),
        ("ftd", "7.2.5", "7.2.5.1"),
        ("junos", "21.4R3-S5", "21.4R3-S10"),
        ("junos", "21.4R3-S5", "21.4R3-S5.3"),
        ("junos", "21.4R2-S9", "21.4R3"),
        ("junos", "21.4R3.13", "21.4R3-S1"),
        ("junos", "15.1X49-D90", "15.1X49-D200"),
        ("junos-evolved", "22.3R2-S2-EVO", "22.3R3-EVO"),
        ("eos", "4.25.1F", "4.25.10M"),
        ("eos", "4.21.9m", "4.21.14M"),
        ("panos", "10.2.4", "10.2.4-h2"),
        ("panos", "10.2.4-h2", "10.2.4-h10"),
        ("fortios", "7.2.5", "7.2.10"),
        ("sros", "22.10.R1", "22.10.R12"),
        ("netscaler", "13.1-49.15", "13.1-51.15"),
        ("netscaler", "NS13.1: Build 49.9.nc", "13.1-49.13"),
        ("sonicos", "7.0.1-5035", "7.0.1-5119"),
        ("vrp", "V800R021C10SPC100", "V800R021C10SPC600"),
        ("gaia", "R81.20 Take 26", "R81.20 Take 41"),
        ("nxos-aci", "14.2(7f)", "14.2(7q)"),
        ("nxos-aci", "15.2(8e)", "15.2(8g)"),
        ("routeros", "6.48.7", "6.49.7"),
    ],
)
def test_order_within_a_train(family: str, lower: str, higher: str) -> None:
    assert order(family, lower, higher) == -1
    assert order(family, higher, lower) == 1
    assert order(family, lower, lower) == 0


@pytest.mark.parametrize(
    ("family", "a", "b"),
    [
        ("ios", "15.2(4)M7", "15.2(4)E1"),  # different IOS trains
        ("ios-xe", "17.9.4", "17.12.1"),
        ("junos", "21.4R3-S5", "22.1R1"),
        ("junos", "15.1X49-D200", "15.1R7"),
        ("nxos", "7.0(3)I4(3)", "9.3(1)"),
        ("panos", "10.1.12", "10.2.4"),
        ("netscaler", "13.1-37.176-FIPS", "13.1-51.15"),  # FIPS builds are their own train
        ("sonicos", "6.5.4.12-101n", "6.5.4.4-44v-21-2079"),
        ("nxos-aci", "14.2(7f)", "15.2(8e)"),
    ],
)
def test_different_trains_are_never_ordered(family: str, a: str, b: str) -> None:
    assert order(family, a, b) is None


def test_numbered_trains_have_a_lineage_but_x_trains_do_not() -> None:
    j = lambda t: parse_version("junos", t)  # noqa: E731
    assert train_order(j("20.4R3-S9"), j("21.2R3-S7")) == -1
    assert train_order(j("15.1X49-D200"), j("21.2R3")) is None
    fips = parse_version("netscaler", "13.1-FIPS-37.176")
    assert train_order(fips, parse_version("netscaler", "14.1-12.35")) is None


def test_junos_branches_and_evolved_suffix() -> None:
    version = parse_version("junos-evolved", "21.4R3-S5.3-EVO")
    assert version.train == "21.4"
    assert version.branch == (2, 3)
    assert parse_version("junos", "21.4").train_only


def test_netscaler_fips_from_every_spelling() -> None:
    for text in ("13.1-37.176-FIPS", "13.1-FIPS-37.176", "13.1 FIPS Build 37.176"):
        assert parse_version("netscaler", text).train == "13.1-FIPS"


def test_ios_xe_lower_case_cpe_text_keeps_its_train() -> None:
    assert parse_version("ios-xe", "3.16.1as").train == "3.16S"
    assert parse_version("ios-xe", "3.18.2aSP").train == "3.18SP"
    assert order("ios", "15.2(4)m7", "15.2(4)M7") == 0


@pytest.mark.parametrize(
    ("family", "text"),
    [
        ("ios", "17.9.4"),
        ("ios-xe", "15.2(4)M7"),
        ("junos", "21.4R3-S5-X"),
        ("eos", "4.30"),
        ("panos", "PAN 10"),
        ("fortios", "seven"),
        ("nxos", "9.3"),
        ("sros", "22.x"),
    ],
)
def test_unknown_forms_raise(family: str, text: str) -> None:
    if family == "eos":  # a bare train is legitimate for EOS ranges
        assert parse_version(family, text).train_only
        return
    with pytest.raises(VersionError):
        parse_version(family, text)


def test_every_contract_family_but_linux_variants_has_a_grammar() -> None:
    contract = {
        "ios",
        "ios-xe",
        "nxos",
        "iosxr",
        "asa",
        "ftd",
        "junos",
        "junos-evolved",
        "eos",
        "panos",
        "fortios",
        "sros",
        "vrp",
        "netscaler",
        "sonicos",
        "gaia",
        "comware",
        "routeros",
        "linux",
    }
    assert contract <= set(FAMILIES)
    with pytest.raises(VersionError):
        parse_version("windows", "10")


def test_order_compares_what_both_sides_state() -> None:
    j = lambda t: parse_version("junos", t)  # noqa: E731
    assert version_order(j("21.4R3.13"), j("21.4R3")) == 0  # a build of the release
    assert version_order(j("21.4R3-S5.4"), j("21.4R3-S5")) == 0
    assert version_order(j("21.4R3-S4.9"), j("21.4R3-S5")) == -1
    assert version_order(j("21.4R3"), j("21.4R3-S1")) == -1  # R3 states no service release: S0
    assert compare(j("21.4R3.13"), j("21.4R3")) == 1  # strict order is unchanged
    g = lambda t: parse_version("gaia", t)  # noqa: E731
    assert version_order(g("R81.20"), g("R81.20 Take 14")) is None  # the take is not stated
    assert version_order(g("R81.20 Take 10"), g("R81.20 Take 14")) == -1
    assert version_order(g("R81.20 Take 10"), g("R81.10 Take 14")) is None  # other train


def test_vendor_release_spellings() -> None:
    assert grammar("gaia").qualify("take 14", parse_version("gaia", "R81.20")) == "R81.20 Take 14"
    assert parse_version("gaia", "R81.20 JHF Take 41").position == (41,)
    release = parse_version("sros", "Release 24")
    assert release.train == "24.0" and release.train_only
    assert train_order(parse_version("sros", "23.10.R3"), release) == -1
    assert train_order(parse_version("sros", "24.3.R1"), release) == 1
    with pytest.raises(VersionError):
        parse_version("sros", "24")
    aci = parse_version("nxos-aci", "16.0(3b)")
    assert aci.train == "16.0" and aci.family == "nxos-aci"
