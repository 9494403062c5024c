"""One list of texts that state nothing: CLI words, BIOS defaults and serials that name no unit."""

from __future__ import annotations

import pytest

from netsbom.core.placeholders import is_bios_default, is_placeholder_serial, states_nothing

NOTHING = ["", "N/A", "na", "Unknown", "-", "not advertised", "null"]
BIOS_DEFAULTS = [
    "To Be Filled By O.E.M.",
    "To be filled by OEM",  # without the dots, as some templates write it
    "System Serial Number",
    "System Product Name",
    "Default string",
    "Not Specified",
    "Not Present",
    "0 0 0",
    "0123456789",
]
# serials only the identity rules named before the lists were one
NO_UNIT = ["000000000000", "XXXXXX", "12345678", "1234567890", "SERIALNO", "serial no"]


@pytest.mark.parametrize("text", NOTHING)
def test_words_a_device_prints_for_an_unknown_field(text: str) -> None:
    assert states_nothing(text)


@pytest.mark.parametrize("text", ["NA-1200", "n/a2", "unknown host", "0"])
def test_values_are_not_words_of_nothing(text: str) -> None:
    assert not states_nothing(text)


@pytest.mark.parametrize("text", BIOS_DEFAULTS)
def test_bios_template_defaults(text: str) -> None:
    assert is_bios_default(text)


@pytest.mark.parametrize("text", [*NO_UNIT, "not applicable", *NOTHING, *BIOS_DEFAULTS])
def test_serials_that_name_no_unit(text: str) -> None:
    assert is_placeholder_serial(text)


@pytest.mark.parametrize("text", ["FOC1234X0AB", "NS1806C3752", "ABC12345678", "0051", "1000"])
def test_real_serials_are_kept(text: str) -> None:
    assert not is_placeholder_serial(text)
