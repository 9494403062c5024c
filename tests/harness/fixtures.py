"""Fixtures over the real programs (re-exported by tests/conftest.py, so any test can use them).

    net_snmp        Net-SNMP snmpd on 127.0.0.1 (v2c + one v3 user per SHA-256/512 x AES-128/256)
    openssh         OpenSSH sshd on a 127.0.0.1 port, key login as the user running the tests
    lldp_network    the LLDP lab: namespaces, veth pairs, a bridge; snmpd + lldpd + sshd per device

Each one is unavailable (a failure in CI, a skip elsewhere) when its programs are missing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.harness.lldp_lab import LldpLab
from tests.harness.snmpd import Snmpd, net_snmpd
from tests.harness.sshd import Sshd, openssh


@pytest.fixture(scope="module")
def net_snmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpd]:
    with net_snmpd(tmp_path_factory.mktemp("snmpd")) as agent:
        yield agent


@pytest.fixture(scope="module")
def openssh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    with openssh(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture(scope="module")
def lldp_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LldpLab]:
    with LldpLab(tmp_path_factory.mktemp("lldp-lab")) as lab:
        yield lab
