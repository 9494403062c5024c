"""One exception root for netsbom.

    NetsbomError
    ├── ConfigError        inventory / option files that do not validate (names file, target, field)
    ├── CredentialError    a credential reference that cannot be resolved (never carries the secret)
    ├── DeviceError        a device could not be polled (kind: unreachable, timeout, auth, ...)
    ├── ContractError      a report that violates the agent <-> collector contract
    ├── StoreError         the observation store failed or is not migrated
    └── ExportError        an SBOM could not be assembled (unknown network, --at too early)

Third-party errors (pysnmp, grpc, SQLAlchemy) are translated once, at the module that calls them.
"""

from __future__ import annotations


class NetsbomError(Exception):
    """Root of every error netsbom raises on purpose."""


class ConfigError(NetsbomError):
    pass


class CredentialError(NetsbomError):
    pass


class DeviceError(NetsbomError):
    def __init__(self, kind: str, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.source = source


class ContractError(NetsbomError):
    pass


class StoreError(NetsbomError):
    pass


class ExportError(NetsbomError):
    pass
