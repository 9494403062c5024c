"""The one naming rule for recorded command output files.

Every run of characters other than letters, digits and ``-`` becomes ``_``, the ends are trimmed
of ``_``, and ``.txt`` is appended::

    show version                                   -> show_version.txt
    show lldp neighbors detail | display json | no-more
        -> show_lldp_neighbors_detail_display_json_no-more.txt
"""

from __future__ import annotations

import re

_OTHER = re.compile(r"[^A-Za-z0-9-]+")


def command_filename(command: str) -> str:
    stem = _OTHER.sub("_", command).strip("_")
    if not stem:
        raise ValueError(f"command {command!r} has no letters or digits to name a file by")
    return f"{stem}.txt"
