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
