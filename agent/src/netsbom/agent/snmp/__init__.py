"""SNMP collection: live walk (``walk``), snmprec replay (``replay``), parsing (``parse``).

Public entry points: :func:`netsbom.agent.snmp.poll.poll_snmp` and
:func:`netsbom.agent.snmp.poll.replay_snmp`.
"""
