"""gNMI: OpenConfig inventory over gRPC (Capabilities, Get of `/components`, `/system/state`).

session.py   grpc.aio with the gNMI protos pygnmi ships: TLS, username/password metadata,
             errors translated once; replies as plain data (:class:`GnmiReplies`)
parse.py     replies -> Partial + provenance (pure; paths named in provenance)
poll.py      poll_gnmi(spec) / replay_gnmi(file) -> DeviceRecord
"""
