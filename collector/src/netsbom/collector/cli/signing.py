"""``sbom export --sign KEY|PKCS11-URI [--sig FILE] [--key-password REF]``: the options and what
they do.

Kept apart from the export command so the command itself only checks the options before any
work (:meth:`Signing.check`) and signs the bytes it wrote (:meth:`Signing.sign`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netsbom.core.cli.options import Output, option_group

if TYPE_CHECKING:
    from netsbom.topology.configuration import Configuration


@dataclass(frozen=True, slots=True)
class Signing:
    key: str | None = None  # a PEM file or a pkcs11: URI
    sig: Path | None = None
    password: str | None = None

    def target(self, output: Output) -> Path | None:
        """Where the envelope goes: ``--sig``, else ``--out`` + ``.sig.json``."""
        from netsbom.collector.signing import SIGNATURE_SUFFIX

        if self.key is None:
            return None
        if self.sig is not None:
            return self.sig
        assert output.path is not None
        return output.path.with_name(output.path.name + SIGNATURE_SUFFIX)

    def check(self, output: Output) -> None:
        """Usage and key problems before any work (the key is loaded once here to fail early)."""
        from netsbom.collector.signing import signing_key

        if self.key is None:
            if self.sig is not None or self.password is not None:
                raise click.UsageError("--sig and --key-password go with --sign KEY")
            return
        if output.path is None and self.sig is None:
            raise click.UsageError("--sign writing to stdout needs --sig FILE")
        with signing_key(self.key, self.password):
            pass
        Output("json", self.target(output)).check()

    def sign(self, output: Output, data: bytes | str, config: Configuration) -> None:
        """Sign exactly the bytes ``output`` wrote; the envelope is written like any output."""
        from netsbom.collector.signing import sign_document, signing_key
        from netsbom.core import __version__
        from netsbom.topology.configuration import fingerprint

        target = self.target(output)
        if target is None or self.key is None:
            return
        payload = data.encode() if isinstance(data, str) else data
        name = output.path.name if output.path is not None else "-"
        predicate = {
            "network": config.network,
            "at": config.at,
            "fingerprint": f"sha256:{fingerprint(config)}",
            "format": output.format,
            "tool": {"name": "netsbom", "version": __version__},
        }
        with signing_key(self.key, self.password) as key:
            envelope = sign_document(payload, name, predicate, key)
        Output("json", target).write(envelope)


def _signing(sign: str | None, sig: Path | None, key_password: str | None) -> Signing:
    return Signing(sign, sig, key_password)


signing_options = option_group(
    "signing",
    _signing,
    click.option(
        "--sign",
        metavar="KEY",
        help="Sign the written document with this PEM private key, or the HSM/token key a "
        "PKCS#11 URI names (pkcs11:token=T;object=LABEL[?module-path=SO]; Ed25519 or ECDSA "
        "P-256): a detached DSSE envelope with an in-toto statement (docs/sbom.md#signing).",
    ),
    click.option(
        "--sig",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        help="Where the signature goes (default: the --out file + .sig.json).",
    ),
    click.option(
        "--key-password",
        metavar="REF",
        help="The --sign key's passphrase, or the token's PIN, as a reference: env:VAR or "
        "file:PATH (never the secret itself).",
    ),
)
