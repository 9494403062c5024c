"""One exception root for netsbom, and the exit status of every command.

    NetsbomError
    ├── ConfigError        inventory / option files that do not validate (names file, target, field)
    ├── CredentialError    a credential reference that cannot be resolved (never carries the secret)
    ├── DeviceError        a device could not be polled (kind: unreachable, timeout, auth, ...)
    ├── ContractError      a report that violates the agent <-> collector contract
    ├── StoreError         the observation store failed or is not migrated
    └── ExportError        an SBOM could not be assembled (unknown network, --at too early)

Third-party errors (pysnmp, grpc, SQLAlchemy) are translated once, at the module that calls them.
The CLI prints a NetsbomError as one ``Error: ...`` line and exits with its ``exit_code``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit status of every ``netsbom`` command (docs/cli.md has the table)."""

    OK = 0  # done; every report stored
    ERROR = 1  # an error, said in one line on stderr
    USAGE = 2  # bad options or arguments (click's own code)
    SPOOLED = 3  # reports left in the spool: the collector was not reachable
    PARTIAL = 4  # some targets failed (or their credentials did not resolve); the rest is done
    REJECTED = 5  # the collector rejected reports (they are kept in spool/rejected/)


class NetsbomError(Exception):
    """Root of every error netsbom raises on purpose."""

    exit_code: ExitCode = ExitCode.ERROR


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
