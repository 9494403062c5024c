"""``netsbom topology`` and ``netsbom inventory``: the network's graph and fleet queries, from
the store (``--network``/``--select``, ``--at``) or from agent records (``--records``)."""

from __future__ import annotations

import click

from netsbom.collector.cli.options import Selection, StoreOptions, selection_options, store_option
from netsbom.core.cli.options import Output, output_options


@click.command("topology")
@store_option
@selection_options
@output_options(["json", "graphml", "svg", "png"])
def topology(store: StoreOptions, selection: Selection, output: Output) -> None:
    """The network's devices and links: JSON, GraphML or a picture (SVG/PNG).

    From --records (agent JSON Lines) or from the store (--network/--select)."""
    from netsbom.core.perf import gc_paused
    from netsbom.proto.convert import OMITTABLE
    from netsbom.topology.graph import render_graphml, render_picture, render_topology_json

    with gc_paused():  # the read, the graph and the document are acyclic: 1 s less at 10,000
        # nodes and links name devices and OS versions, links are checked against ports:
        # no packages, provenance or other components needed
        config = selection.configuration(store, omit=OMITTABLE)
        if output.format == "json":
            data = render_topology_json(config)
        elif output.format == "graphml":
            data = render_graphml(config)
        else:
            data = render_picture(config, "svg" if output.format == "svg" else "png")
        del config  # freed here: re-enabled, the collector would first traverse all of it
    output.write(data)


@click.group("inventory")
def inventory() -> None:
    """Fleet queries: devices, firmware versions, drift."""


def _rows(kind: str, store: StoreOptions, selection: Selection, output: Output) -> None:
    from netsbom.topology import inventory as queries

    config = selection.configuration(store)
    columns, rows = {
        "devices": (queries.DEVICE_COLUMNS, queries.devices_rows),
        "firmware": (queries.FIRMWARE_COLUMNS, queries.firmware_rows),
        "drift": (queries.DRIFT_COLUMNS, queries.drift_rows),
    }[kind]
    output.write(queries.render_rows(columns, rows(config), output.format))


def _query(name: str, help_text: str) -> None:
    @inventory.command(name, help=help_text)
    @store_option
    @selection_options
    @output_options(["table", "json", "csv"])
    def command(store: StoreOptions, selection: Selection, output: Output) -> None:
        _rows(name, store, selection, output)


_query("devices", "One row per device: identity, OS version, labels, flags.")
_query("firmware", "Firmware (OS) versions by vendor, model and family, with counts.")
_query("drift", "Devices of one model (and role) not on their group's majority version.")
