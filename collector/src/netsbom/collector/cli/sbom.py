"""``netsbom sbom``: export the system SBOM of a network, compare two configurations."""

from __future__ import annotations

from pathlib import Path

import click

from netsbom.collector.cli.options import Selection, StoreOptions, selection_options, store_option
from netsbom.collector.cli.signing import Signing, signing_options
from netsbom.core.cli.options import Output, output_options

SBOM_FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld")


@click.group("sbom")
def sbom() -> None:
    """Export the system SBOM of a network; compare two of its configurations."""


@sbom.command("export")
@store_option
@selection_options
@output_options(SBOM_FORMATS)
@click.option(
    "--with-vulnerabilities",
    is_flag=True,
    help="Add VEX: CycloneDX `vulnerabilities`, SPDX 3 security relationships (needs --feeds).",
)
@click.option(
    "--feeds",
    "feeds_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Feeds directory for --with-vulnerabilities: nvd/, cve/, kev.json, epss.csv "
    "(as `netsbom vuln assess --feeds`).",
)
@signing_options
def export_command(
    store: StoreOptions,
    selection: Selection,
    output: Output,
    with_vulnerabilities: bool,
    feeds_dir: Path | None,
    signing: Signing,
) -> None:
    """Write the system SBOM of a network as deployed at --at.

    Formats: CycloneDX 1.6 (JSON, XML), SPDX 2.3 JSON, SPDX 3.0.1 JSON-LD. With
    --with-vulnerabilities --feeds DIR the firmware is assessed against the feeds (offline) and
    the document carries the VEX statements (docs/sbom.md)."""
    from netsbom.collector.export import assess_configuration, render_sbom
    from netsbom.core.perf import gc_paused
    from netsbom.core.progress import Progress

    if with_vulnerabilities and feeds_dir is None:
        raise click.UsageError("--with-vulnerabilities needs --feeds DIR")
    if feeds_dir is not None and not with_vulnerabilities:
        raise click.UsageError("--feeds goes with --with-vulnerabilities")
    selection.require()
    signing.check(output)
    warnings: list[str] = []
    with gc_paused(), Progress(4 if feeds_dir else 3, "export") as progress:
        progress.stage("reading observations, deriving links")
        config = selection.configuration(store)
        assessments = None
        if feeds_dir is not None:
            progress.stage("loading vulnerability feeds")
            assessments = assess_configuration(config, feeds_dir, warn=warnings.append)
        progress.stage(f"rendering {len(config.records)} devices")
        data = render_sbom(config, output.format, assessments)
        progress.stage("writing")
    for warning in warnings:
        click.echo(f"warning: feeds: {warning}", err=True)
    output.write(data)
    signing.sign(output, data, config)


@sbom.command("diff")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@store_option
@selection_options
@click.option("--from", "from_text", help="Earlier time (ISO 8601).")
@click.option("--to", "to_text", help="Later time (ISO 8601); default: latest.")
@output_options(["table", "json"], json_alias=True, out=False)
def diff_command(
    files: tuple[Path, ...],
    store: StoreOptions,
    selection: Selection,
    from_text: str | None,
    to_text: str | None,
    output: Output,
) -> None:
    """What changed: `--network X --from T1 [--to T2]` in the store, or between two exported
    CycloneDX JSON files `A B`."""
    import json

    from netsbom.collector.sbom.cyclonedx import to_cyclonedx
    from netsbom.topology.diff import (
        diff_json,
        diff_snapshots,
        diff_table,
        load_snapshot,
        snapshot_from_cyclonedx,
    )

    chosen = selection.network or selection.select or selection.records_path
    if files:
        if len(files) != 2 or chosen or from_text or to_text or selection.at_text:
            raise click.UsageError("give two SBOM files, or --network/--select with --from/--to")
        before, after = load_snapshot(files[0]), load_snapshot(files[1])
    else:
        if not chosen:
            raise click.UsageError("give --network/--select with --from (and --to), or two files")
        if not from_text:
            raise click.UsageError("--from is required when comparing configurations")
        before = snapshot_from_cyclonedx(to_cyclonedx(selection.configuration(store, from_text)))
        after = snapshot_from_cyclonedx(to_cyclonedx(selection.configuration(store, to_text)))
    changes = diff_snapshots(before, after)
    if output.format == "json":
        click.echo(json.dumps(diff_json(before, after, changes), indent=2, ensure_ascii=False))
    else:
        click.echo(diff_table(before, after, changes), nl=False)


@sbom.command("verify")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--sig",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The DSSE envelope (default: FILE + .sig.json).",
)
@click.option(
    "--key",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The signer's PEM public key.",
)
def verify_command(file: Path, sig: Path | None, key: Path) -> None:
    """Check a signed export: exit 0 when the envelope is signed by --key and names FILE's
    exact bytes (SHA-512); exit 5 with the reason when not (docs/sbom.md#signing)."""
    from netsbom.collector.signing import SIGNATURE_SUFFIX, load_public_key, verify_document
    from netsbom.core.errors import ConfigError

    envelope_path = sig or file.with_name(file.name + SIGNATURE_SUFFIX)
    public = load_public_key(key)
    try:
        data, envelope = file.read_bytes(), envelope_path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {exc.filename}: {exc.strerror or exc}") from None
    verified = verify_document(data, envelope, public)
    facts = verified.predicate
    click.echo(
        f"OK: {file.name} signed by key {verified.key_id[:16]}"
        f" (network {facts.get('network', '?')}, at {facts.get('at', '?')},"
        f" fingerprint {str(facts.get('fingerprint', '?'))[:19]})"
    )


@sbom.command("keygen")
@click.option(
    "--out",
    "prefix",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    metavar="PREFIX",
    help="Writes PREFIX.key (private, mode 0600) and PREFIX.pub.",
)
@click.option(
    "--algorithm",
    type=click.Choice(["ed25519", "ecdsa-p256"]),
    default="ed25519",
    show_default=True,
)
@click.option(
    "--key-password", metavar="REF", help="Encrypt the private key: env:VAR or file:PATH."
)
def keygen_command(prefix: Path, algorithm: str, key_password: str | None) -> None:
    """A signing key pair for `sbom export --sign` (offline; keep the .key file secret)."""
    import os

    from netsbom.collector.signing import generate_key
    from netsbom.core.errors import ConfigError

    private, public = generate_key(
        "ecdsa-p256" if algorithm == "ecdsa-p256" else "ed25519", key_password
    )
    key_path, pub_path = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    try:
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{key_path} exists: not overwriting a key") from None
    except OSError as exc:
        raise ConfigError(f"cannot write {key_path}: {exc.strerror or exc}") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private)
    Output("pem", pub_path).write(public)
    click.echo(f"wrote {key_path} (private) and {pub_path} (public)", err=True)


@sbom.command("attach")
@click.option(
    "--vendor-sbom",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The vendor's product SBOM: CycloneDX JSON/XML, SPDX 2 JSON or SPDX 3 JSON-LD.",
)
@click.option(
    "--match",
    "match_text",
    required=True,
    help="Which devices run that product: model=M[,version=V][,family=F] (model: shell "
    "pattern), image=FILE or image-sha256=HEX.",
)
@click.option("--url", help="Where the vendor publishes the document (referenced as is).")
@click.option(
    "--embed",
    is_flag=True,
    help="Store the document itself, not only its reference (where the vendor's terms allow).",
)
@store_option
def attach_command(
    path: Path, match_text: str, url: str | None, embed: bool, store: StoreOptions
) -> None:
    """Link a vendor's product SBOM to the devices that run it: system SBOMs reference it
    (BOM-Link / externalReferences `bom`, SPDX 3 ExternalMap) with its hash (docs/sbom.md)."""
    from netsbom.collector.vendor_sboms import attach, parse_match, read_vendor_sbom

    match = parse_match(match_text)
    bom = read_vendor_sbom(path, url)
    opened = store.open()
    try:
        stored = attach(opened, bom, match, embed=embed)
    finally:
        opened.close()
    what = f"{bom.format} {bom.spec_version or '?'} {bom.name!r}"
    if bom.serial:
        what += f" ({bom.serial})"
    state = "attached" if stored else "already attached"
    embedded = ", embedded" if embed and stored else ""
    click.echo(f"{state}: {what} sha256:{bom.sha256[:16]}... to {match.key}{embedded}")
