import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Target(_message.Message):
    __slots__ = ("id", "address", "port", "transport", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    TRANSPORT_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    id: str
    address: str
    port: int
    transport: str
    labels: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., address: _Optional[str] = ..., port: _Optional[int] = ..., transport: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class OsInfo(_message.Message):
    __slots__ = ("family", "version", "build", "image", "name", "copyright")
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BUILD_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    COPYRIGHT_FIELD_NUMBER: _ClassVar[int]
    family: str
    version: str
    build: str
    image: str
    name: str
    copyright: str
    def __init__(self, family: _Optional[str] = ..., version: _Optional[str] = ..., build: _Optional[str] = ..., image: _Optional[str] = ..., name: _Optional[str] = ..., copyright: _Optional[str] = ...) -> None: ...

class Component(_message.Message):
    __slots__ = ("index", "parent", "name", "description", "vendor", "model", "serial", "hardware_rev", "firmware_rev", "software_rev", "is_fru")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CLASS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VENDOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    HARDWARE_REV_FIELD_NUMBER: _ClassVar[int]
    FIRMWARE_REV_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_REV_FIELD_NUMBER: _ClassVar[int]
    IS_FRU_FIELD_NUMBER: _ClassVar[int]
    index: str
    parent: str
    name: str
    description: str
    vendor: str
    model: str
    serial: str
    hardware_rev: str
    firmware_rev: str
    software_rev: str
    is_fru: bool
    def __init__(self, index: _Optional[str] = ..., parent: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., vendor: _Optional[str] = ..., model: _Optional[str] = ..., serial: _Optional[str] = ..., hardware_rev: _Optional[str] = ..., firmware_rev: _Optional[str] = ..., software_rev: _Optional[str] = ..., is_fru: _Optional[bool] = ..., **kwargs) -> None: ...

class Software(_message.Message):
    __slots__ = ("name", "version", "kind", "source", "purl", "cpe", "licence")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PURL_FIELD_NUMBER: _ClassVar[int]
    CPE_FIELD_NUMBER: _ClassVar[int]
    LICENCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    kind: str
    source: str
    purl: str
    cpe: str
    licence: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., kind: _Optional[str] = ..., source: _Optional[str] = ..., purl: _Optional[str] = ..., cpe: _Optional[str] = ..., licence: _Optional[str] = ...) -> None: ...

class Neighbor(_message.Message):
    __slots__ = ("protocol", "local_port", "remote_chassis_id", "remote_name", "remote_port", "remote_mgmt_address", "remote_description")
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    LOCAL_PORT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CHASSIS_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_PORT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_MGMT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    protocol: str
    local_port: str
    remote_chassis_id: str
    remote_name: str
    remote_port: str
    remote_mgmt_address: str
    remote_description: str
    def __init__(self, protocol: _Optional[str] = ..., local_port: _Optional[str] = ..., remote_chassis_id: _Optional[str] = ..., remote_name: _Optional[str] = ..., remote_port: _Optional[str] = ..., remote_mgmt_address: _Optional[str] = ..., remote_description: _Optional[str] = ...) -> None: ...

class Identifiers(_message.Message):
    __slots__ = ("os_cpe", "hardware_cpe", "purl")
    OS_CPE_FIELD_NUMBER: _ClassVar[int]
    HARDWARE_CPE_FIELD_NUMBER: _ClassVar[int]
    PURL_FIELD_NUMBER: _ClassVar[int]
    os_cpe: str
    hardware_cpe: str
    purl: str
    def __init__(self, os_cpe: _Optional[str] = ..., hardware_cpe: _Optional[str] = ..., purl: _Optional[str] = ...) -> None: ...

class Provenance(_message.Message):
    __slots__ = ("field", "method", "source", "confidence")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    field: str
    method: str
    source: str
    confidence: float
    def __init__(self, field: _Optional[str] = ..., method: _Optional[str] = ..., source: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...

class ErrorInfo(_message.Message):
    __slots__ = ("kind", "message", "source")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    kind: str
    message: str
    source: str
    def __init__(self, kind: _Optional[str] = ..., message: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class DeviceReport(_message.Message):
    __slots__ = ("report_id", "agent_id", "collected_at", "target", "hostname", "vendor", "model", "serial", "chassis_id", "description", "sys_object_id", "os", "components", "software", "neighbors", "identifiers", "provenance", "errors", "complete", "virtual", "os_hashes")
    class OsHashesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTED_AT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    VENDOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    CHASSIS_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SYS_OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_FIELD_NUMBER: _ClassVar[int]
    NEIGHBORS_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    VIRTUAL_FIELD_NUMBER: _ClassVar[int]
    OS_HASHES_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    agent_id: str
    collected_at: _timestamp_pb2.Timestamp
    target: Target
    hostname: str
    vendor: str
    model: str
    serial: str
    chassis_id: str
    description: str
    sys_object_id: str
    os: OsInfo
    components: _containers.RepeatedCompositeFieldContainer[Component]
    software: _containers.RepeatedCompositeFieldContainer[Software]
    neighbors: _containers.RepeatedCompositeFieldContainer[Neighbor]
    identifiers: Identifiers
    provenance: _containers.RepeatedCompositeFieldContainer[Provenance]
    errors: _containers.RepeatedCompositeFieldContainer[ErrorInfo]
    complete: bool
    virtual: bool
    os_hashes: _containers.ScalarMap[str, str]
    def __init__(self, report_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., collected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., target: _Optional[_Union[Target, _Mapping]] = ..., hostname: _Optional[str] = ..., vendor: _Optional[str] = ..., model: _Optional[str] = ..., serial: _Optional[str] = ..., chassis_id: _Optional[str] = ..., description: _Optional[str] = ..., sys_object_id: _Optional[str] = ..., os: _Optional[_Union[OsInfo, _Mapping]] = ..., components: _Optional[_Iterable[_Union[Component, _Mapping]]] = ..., software: _Optional[_Iterable[_Union[Software, _Mapping]]] = ..., neighbors: _Optional[_Iterable[_Union[Neighbor, _Mapping]]] = ..., identifiers: _Optional[_Union[Identifiers, _Mapping]] = ..., provenance: _Optional[_Iterable[_Union[Provenance, _Mapping]]] = ..., errors: _Optional[_Iterable[_Union[ErrorInfo, _Mapping]]] = ..., complete: _Optional[bool] = ..., virtual: _Optional[bool] = ..., os_hashes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ReportAck(_message.Message):
    __slots__ = ("report_id", "status", "message")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSPECIFIED: _ClassVar[ReportAck.Status]
        STORED: _ClassVar[ReportAck.Status]
        DUPLICATE: _ClassVar[ReportAck.Status]
        REJECTED: _ClassVar[ReportAck.Status]
    STATUS_UNSPECIFIED: ReportAck.Status
    STORED: ReportAck.Status
    DUPLICATE: ReportAck.Status
    REJECTED: ReportAck.Status
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    status: ReportAck.Status
    message: str
    def __init__(self, report_id: _Optional[str] = ..., status: _Optional[_Union[ReportAck.Status, str]] = ..., message: _Optional[str] = ...) -> None: ...
