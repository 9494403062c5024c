"""known_hosts read once per change of the file, not once per session.

paramiko's ``HostKeys.load`` builds every key and compares each line with all earlier ones, so a
session that loads a fleet's known_hosts pays O(lines²): with 500 entries that was most of the
agent's CPU per device. Here each file is parsed with paramiko's own line parser once, indexed by
host name, re-read when its stat changes (only the new lines when it grew by appending, as TOFU
pinning does), and a session gets just its host's keys.

    keys = host_keys(path, "[10.0.0.1]:2222")   # first key per type, in file order
"""

from __future__ import annotations

import hmac
import io
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paramiko import PKey


@dataclass
class _Index:
    stamp: tuple[int, ...] = ()
    text: bytes = b""  # what the index was built from
    lines: int = 0
    plain: dict[str, list[tuple[int, PKey]]] = field(default_factory=dict)
    hashed: list[tuple[int, str, PKey]] = field(default_factory=list)  # |1|salt|hash names

    def add(self, text: bytes) -> None:
        """Index the lines of ``text`` (appended after what is indexed already)."""
        from paramiko.hostkeys import HostKeyEntry

        for raw in io.StringIO(text.decode("utf-8"), newline=None):  # as open(path, "r")
            self.lines += 1
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            # raises InvalidHostKey on bad base64, as HostKeys.load does
            entry = HostKeyEntry.from_line(line, self.lines)
            if entry is None or entry.key is None:
                continue
            for name in entry.hostnames:
                if name.startswith("|1|"):
                    self.hashed.append((self.lines, name, entry.key))
                else:
                    self.plain.setdefault(name, []).append((self.lines, entry.key))
        self.text += text

    def lookup(self, name: str) -> list[PKey]:
        from paramiko import HostKeys

        found = list(self.plain.get(name, ()))
        found += [
            (line, key)
            for line, hashed, key in self.hashed
            if hmac.compare_digest(HostKeys.hash_host(name, hashed), hashed)
        ]
        first: dict[str, PKey] = {}
        for _, key in sorted(found, key=lambda item: item[0]):
            first.setdefault(key.get_name(), key)
        return list(first.values())


_LOCK = threading.Lock()
_INDEXES: dict[Path, _Index] = {}


def host_keys(path: Path, name: str) -> list[PKey]:
    """The keys ``path`` holds for ``name`` (``host`` or ``[host]:port``); none when it is not a
    file (netmiko skips it then). Same answer as ``paramiko.HostKeys(path).lookup(name)``: per
    key type the first line wins, and the first key's type is the first in the file."""
    with _LOCK:
        try:
            info = path.stat()
        except FileNotFoundError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            _INDEXES.pop(path, None)
            return []
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        index = _INDEXES.get(path)
        if index is None or index.stamp != stamp:
            text = path.read_bytes()
            grown = index is not None and index.text.endswith(b"\n") and text.startswith(index.text)
            if index is None or not grown:
                index = _Index()
            try:
                index.add(text[len(index.text) :])
            except BaseException:
                _INDEXES.pop(path, None)
                raise
            index.stamp = stamp
            _INDEXES[path] = index
        return index.lookup(name)
