"""The suite's harness for real programs (Debian's snmpd, sshd, lldpd, iproute2): one place that
starts them, waits until they answer and stops them; fixtures in :mod:`tests.harness.fixtures`.
"""
