"""NETCONF (RFC 6241 over SSH, RFC 6242): inventory from vendor RPCs and YANG state.

session.py   ncclient in the agent's thread pool: host keys checked, the RPCs the device's
             capabilities say it has, errors translated once; replies as XML text
parse.py     replies -> Partial + provenance (pure; provenance names the RPC)
poll.py      poll_netconf(spec) / replay_netconf(directory) -> DeviceRecord
"""
