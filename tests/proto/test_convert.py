from __future__ import annotations

import pytest

from netsbom.core.errors import ContractError
from netsbom.core.record import ErrorInfo, Neighbor, Provenance
from netsbom.proto.convert import decode_report, from_report, to_report
from tests.conftest import make_record


def test_protobuf_round_trip_is_lossless() -> None:
    record = make_record(
        neighbors=(Neighbor("cdp", "Gi1/0/48", remote_name="edge2", remote_port="Gi1/0/48"),),
        complete=False,
    )
    record = type(record)(
        **{
            **{f: getattr(record, f) for f in record.__dataclass_fields__},
            "errors": (ErrorInfo("timeout", "stopped answering", "1.0.8802"),),
            "provenance": (Provenance("model", "snmp", "1.3.6.1.2.1.47", 0.75),),
        }
    )
    wire = to_report(record).SerializeToString()
    assert from_report(decode_report(wire)) == record


def test_a_read_shares_identical_components_and_only_those() -> None:
    """Records decoded with one ``shared`` dict are equal to those decoded alone; identical
    components are one object, different ones (a serial, an unset vs an empty name) are not."""
    from dataclasses import replace

    from netsbom.core.record import Component

    port = Component("10", "1", "port", "Gi1/0/1", "1G port")
    records = [
        replace(
            make_record(f"edge{n}"),
            components=(
                Component("1", None, "chassis", serial=f"FOC{n}"),
                port,
                replace(port, index="11", name="" if n else None),
            ),
        )
        for n in range(3)
    ]
    shared: dict[bytes, Component] = {}
    back = [from_report(to_report(r), shared=shared) for r in records]
    assert back == [from_report(to_report(r)) for r in records] == records
    assert back[0].components[1] is back[1].components[1] is back[2].components[1]
    assert back[0].components[0] is not back[1].components[0]  # serials differ
    assert back[0].components[2].name is None and back[1].components[2].name == ""
    assert back[1].components[2] is back[2].components[2]
    assert len(shared) == 3 + 1 + 2


def test_unset_optionals_stay_none_not_empty_strings() -> None:
    record = make_record()
    record = type(record)(
        **{**{f: getattr(record, f) for f in record.__dataclass_fields__}, "serial": None}
    )
    back = from_report(decode_report(to_report(record).SerializeToString()))
    assert back.serial is None
    assert back.os.build is None


def test_truncated_bytes_are_a_contract_error() -> None:
    wire = to_report(make_record()).SerializeToString()
    with pytest.raises(ContractError):
        from_report(decode_report(wire[: len(wire) // 2]))


def test_report_without_identity_is_refused() -> None:
    report = to_report(make_record())
    report.report_id = ""
    with pytest.raises(ContractError, match="report_id"):
        from_report(report)


@pytest.mark.parametrize(
    ("message", "convert", "record_type"),
    [("Component", "_component", "Component"), ("Software", "_software", "Software"),
     ("Neighbor", "_neighbor", "Neighbor"), ("OsInfo", "_os", "OsInfo"),
     ("Identifiers", "_identifiers", "Identifiers")],
)  # fmt: skip
def test_field_by_field_converters_cover_every_field(
    message: str, convert: str, record_type: str
) -> None:
    """Each field set alone (to "" too: set-but-empty is not unset) converts as the generic
    ListFields path does; a field added to the proto without its converter fails here."""
    from netsbom.core import record as records
    from netsbom.proto import convert as module
    from netsbom.proto.v1 import collector_pb2 as pb

    make, build = getattr(module, convert), getattr(records, record_type)

    def generic(msg: object) -> object:
        values = module._values(msg)  # type: ignore[arg-type]
        if "class" in values:
            values["cls"] = values.pop("class")
        return build(**values)

    fields = getattr(pb, message).DESCRIPTOR.fields
    assert {f.name for f in fields} - {"class"} <= set(build.__dataclass_fields__)
    for field in fields:
        for value in ("", "x-1") if field.type == field.TYPE_STRING else (True, False):
            msg = getattr(pb, message)(**{field.name: value})
            assert make(msg) == generic(msg), (field.name, value)
    assert make(getattr(pb, message)()) == generic(getattr(pb, message)())
