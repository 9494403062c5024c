"""``netsbom sbom``: export the system SBOM of a network, compare two configurations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from netsbom.collector.cli.options import Selection, StoreOptions, selection_options, store_option
from netsbom.collector.cli.signing import Signing, signing_options
from netsbom.core.cli.options import Output, option_group, output_options

if TYPE_CHECKING:
    from netsbom.collector.export import SbomOptions

SBOM_FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld")


PROFILES = ("bsi-tr-03183-2",)  # netsbom.collector.sbom.profiles.PROFILES (imported lazily)
VEX_FORMATS = ("cyclonedx-vex", "openvex")  # netsbom.collector.sbom.vex.VEX_FORMATS


def _document(
    authors: tuple[str, ...],
    supplier: str | None,
    compact: bool,
    profile: str | None,
    view: str | None,
    licences: Path | None,
) -> SbomOptions:
    from netsbom.collector.export import SbomOptions, parse_entity
    from netsbom.collector.sbom.licences import load_licence_rules

    return SbomOptions(
        compact=compact,
        authors=tuple(parse_entity(a, "--author") for a in authors),
        supplier=parse_entity(supplier, "--supplier") if supplier else None,
        profile=profile,
        view=view,
        licences=load_licence_rules(licences) if licences else None,
    )


_author_option = click.option(
    "--author",
    "authors",
    multiple=True,
    envvar="NETSBOM_SBOM_AUTHOR",
    help="Who writes the document: NAME[,URL][,EMAIL] (repeatable; env NETSBOM_SBOM_AUTHOR).",
)
_compact_option = click.option(
    "--compact", is_flag=True, help="JSON without indentation (smaller, faster)."
)
document_options = option_group(
    "document",
    _document,
    _author_option,
    click.option(
        "--supplier",
        envvar="NETSBOM_SBOM_SUPPLIER",
        help="Who supplies the network (its operator): NAME[,URL][,EMAIL] "
        "(env NETSBOM_SBOM_SUPPLIER).",
    ),
    _compact_option,
    click.option(
        "--profile",
        type=click.Choice(PROFILES),
        help="A regulator's profile: bsi-tr-03183-2 (CycloneDX 1.6 or SPDX 3.0.1, a creator "
        "with e-mail or URL, VEX apart; docs/sbom.md).",
    ),
    click.option(
        "--view",
        type=click.Choice(["flat"]),
        help="flat: every component at the top with a unique name, the nesting in "
        "`dependencies` (Dependency-Track).",
    ),
    click.option(
        "--licences",
        type=click.Path(dir_okay=False, path_type=Path),
        help="YAML of the auditor's concluded licences and copyright texts: rules matching "
        "kind/vendor/family/model/name globs (docs/sbom.md); they win over what devices, "
        "package managers and the registry say.",
    ),
)


@click.group("sbom")
def sbom() -> None:
    """Export the system SBOM of a network, its VEX; validate and compare SBOMs."""


@sbom.command("export")
@store_option
@selection_options
@output_options(SBOM_FORMATS)
@document_options
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
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A golden-firmware policy (docs/policy.md): each device's compliance as "
    "netsbom:policy:* properties.",
)
@signing_options
def export_command(
    store: StoreOptions,
    selection: Selection,
    output: Output,
    document: SbomOptions,
    with_vulnerabilities: bool,
    feeds_dir: Path | None,
    policy_path: Path | None,
    signing: Signing,
) -> None:
    """Write the system SBOM of a network as deployed at --at.

    Formats: CycloneDX 1.6 (JSON, XML), SPDX 2.3 JSON, SPDX 3.0.1 JSON-LD. With
    --with-vulnerabilities --feeds DIR the firmware is assessed against the feeds (offline) and
    the document carries the VEX statements (docs/sbom.md)."""
    from dataclasses import replace

    from netsbom.collector.export import (
        assess_configuration,
        feeds_properties,
        load_export_feeds,
        render_sbom,
        with_extras,
    )
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
        opened = store.open(read_only=True) if selection.from_store else None
        try:  # vendor SBOMs attached in the store, policy results
            document = with_extras(document, config, store=opened, policy=policy_path)
        finally:
            if opened is not None:
                opened.close()
        assessments = None
        if feeds_dir is not None:
            progress.stage("loading vulnerability feeds")
            feeds = load_export_feeds(feeds_dir, warn=warnings.append)
            document = replace(document, properties=feeds_properties(feeds))
            assessments = assess_configuration(config, feeds)
        progress.stage(f"rendering {len(config.records)} devices")
        data = render_sbom(config, output.format, assessments, document)
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
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when the two differ, 0 when they are the same (like cyclonedx-cli / git diff).",
)
@output_options(["table", "json"], json_alias=True, out=False)
def diff_command(
    files: tuple[Path, ...],
    store: StoreOptions,
    selection: Selection,
    from_text: str | None,
    to_text: str | None,
    exit_code: bool,
    output: Output,
) -> None:
    """What changed: `--network X --from T1 [--to T2]` in the store, or between two exported
    CycloneDX JSON files `A B`. Both sides are SBOM models; with --exit-code the status says
    whether anything changed (0 same, 1 different, 2 usage, other errors as usual)."""
    import json

    from netsbom.collector.sbom.build import build_document
    from netsbom.collector.sbom.reader import load_cyclonedx, snapshot_of
    from netsbom.topology.diff import diff_json, diff_snapshots, diff_table

    chosen = selection.network or selection.select or selection.records_path
    if files:
        if len(files) != 2 or chosen or from_text or to_text or selection.at_text:
            raise click.UsageError("give two SBOM files, or --network/--select with --from/--to")
        before, after = snapshot_of(load_cyclonedx(files[0])), snapshot_of(load_cyclonedx(files[1]))
    else:
        if not chosen:
            raise click.UsageError("give --network/--select with --from (and --to), or two files")
        if not from_text:
            raise click.UsageError("--from is required when comparing configurations")
        before = snapshot_of(build_document(selection.configuration(store, from_text)))
        after = snapshot_of(build_document(selection.configuration(store, to_text)))
    changes = diff_snapshots(before, after)
    if output.format == "json":
        click.echo(json.dumps(diff_json(before, after, changes), indent=2, ensure_ascii=False))
    else:
        click.echo(diff_table(before, after, changes), nl=False)
    if exit_code and changes:
        raise SystemExit(1)


@sbom.command("vex")
@store_option
@selection_options
@output_options(VEX_FORMATS)
@_author_option
@_compact_option
@click.option(
    "--feeds",
    "feeds_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Feeds directory: nvd/, cve/, kev.json, epss.csv (as `netsbom vuln assess --feeds`).",
)
def vex_command(
    store: StoreOptions,
    selection: Selection,
    output: Output,
    authors: tuple[str, ...],
    compact: bool,
    feeds_dir: Path,
) -> None:
    """Write the VEX of a network as a document of its own, linked to the SBOM by BOM-Link.

    Formats: CycloneDX 1.6 VEX, OpenVEX 0.2.0. The statements name the components of the SBOM
    that `sbom export` writes without --with-vulnerabilities (same --network/--at)."""
    from netsbom.collector.export import (
        SbomOptions,
        assess_configuration,
        build_sbom,
        feeds_properties,
        load_export_feeds,
        parse_entity,
    )
    from netsbom.collector.sbom.vex import render_vex

    selection.require()
    warnings: list[str] = []
    config = selection.configuration(store)
    feeds = load_export_feeds(feeds_dir, warn=warnings.append)
    assessments = assess_configuration(config, feeds)
    options = SbomOptions(
        authors=tuple(parse_entity(a, "--author") for a in authors),
        properties=feeds_properties(feeds),
    )
    data = render_vex(build_sbom(config, assessments, options), output.format, compact=compact)
    for warning in warnings:
        click.echo(f"warning: feeds: {warning}", err=True)
    output.write(data)


@sbom.command("validate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    help="Also check a regulator's profile (bsi-tr-03183-2).",
)
def validate_command(file: Path, profile: str | None) -> None:
    """Check an SBOM file: the schema of its format (CycloneDX 1.6 JSON/XML; SPDX 2.3 with
    spdx-tools when installed) and, with --profile, the profile's rules. Exit 0 when valid,
    1 with one line per problem."""
    from netsbom.collector.sbom.checks import check_file

    report = check_file(file, profile)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for problem in report.problems:
        click.echo(f"{file}: {problem}")
    if report.problems:
        raise SystemExit(1)
    click.echo(f"{file}: valid {report.kind}" + (f", profile {profile}" if profile else ""))


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
    metavar="PREFIX",
    help="Writes PREFIX.key (private, mode 0600) and PREFIX.pub.",
)
@click.option(
    "--algorithm",
    type=click.Choice(["ed25519", "ecdsa-p256"]),
    default="ed25519",
    show_default=True,
    help="Key type: Ed25519, or ECDSA on P-256 (where a policy asks for NIST curves).",
)
@click.option(
    "--key-password",
    metavar="REF",
    help="Encrypt the private key (with --pkcs11: the token PIN): env:VAR or file:PATH.",
)
@click.option(
    "--pkcs11",
    "uri",
    metavar="URI",
    help="Instead of files: the HSM/token key this PKCS#11 URI names "
    "(pkcs11:token=T;object=LABEL[?module-path=SO]); writes its public key to --public-out.",
)
@click.option(
    "--generate",
    is_flag=True,
    help="With --pkcs11: create the key pair on the token first (never extractable; refused "
    "when a key of that label exists).",
)
@click.option(
    "--public-out",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="With --pkcs11: where the token key's public PEM goes (for `sbom verify --key`).",
)
def keygen_command(
    prefix: Path | None,
    algorithm: str,
    key_password: str | None,
    uri: str | None,
    generate: bool,
    public_out: Path | None,
) -> None:
    """A signing key pair for `sbom export --sign` (offline; keep the .key file secret), or the
    public key of one held on an HSM/token (--pkcs11 URI --public-out PUB.pem [--generate])."""
    import os

    from netsbom.collector.signing import generate_key
    from netsbom.core.errors import ConfigError

    chosen: Literal["ed25519", "ecdsa-p256"] = (
        "ecdsa-p256" if algorithm == "ecdsa-p256" else "ed25519"
    )
    if uri is not None:
        if prefix is not None or public_out is None:
            raise click.UsageError("--pkcs11 URI goes with --public-out FILE (not --out)")
        _token_public_key(uri, key_password, chosen if generate else None, public_out)
        return
    if prefix is None or generate or public_out is not None:
        raise click.UsageError("give --out PREFIX (or --pkcs11 URI --public-out FILE)")
    private, public = generate_key(chosen, key_password)
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


def _token_public_key(
    uri: str,
    pin: str | None,
    generate: Literal["ed25519", "ecdsa-p256"] | None,
    public_out: Path,
) -> None:
    """Write the public PEM of the token key ``uri`` names, made first when ``generate``."""
    from cryptography.hazmat.primitives import serialization

    from netsbom.collector.hsm import export_public_key, generate_token_key, parse
    from netsbom.collector.signing import key_id

    Output("pem", public_out).check()
    if generate is not None:
        public = generate_token_key(uri, pin, generate)
    else:
        public = export_public_key(uri, pin)
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    Output("pem", public_out).write(pem)
    made = "generated on the token; " if generate else ""
    click.echo(
        f"{parse(uri)}: {made}wrote its public key to {public_out} (key id {key_id(public)[:16]})",
        err=True,
    )


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
