"""One request at a time to one device, from a UDP socket of its own (the SNMPv2c and SNMPv3
sessions of walk.py and v3.py).

Each attempt sends a fresh message (a fresh request or message id, so a late reply to an earlier
attempt is dropped) and waits ``settings.timeout`` for a datagram that :meth:`accept` takes as
its reply; anything else is dropped, as pysnmp drops it.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from netsbom.agent.inventory import SnmpSettings

_Reply = TypeVar("_Reply")


class UdpExchange(asyncio.DatagramProtocol, Generic[_Reply]):
    def __init__(self, address: tuple[str, int], settings: SnmpSettings) -> None:
        self.address = address
        self.settings = settings
        self.transport: asyncio.DatagramTransport | None = None
        self._pending: tuple[int, asyncio.Future[_Reply | None]] | None = None

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, family=socket.AF_INET)

    def accept(self, data: bytes, key: int) -> _Reply | None:
        """The reply in ``data`` to the pending message ``key``, or None to drop it."""
        raise NotImplementedError

    async def exchange(self, build: Callable[[], tuple[int, bytes]]) -> _Reply | None:
        """Send ``build()`` (key, message) per attempt until a reply or the retries end."""
        loop = asyncio.get_running_loop()
        for _attempt in range(self.settings.retries + 1):
            key, message = build()
            future: asyncio.Future[_Reply | None] = loop.create_future()
            self._pending = (key, future)
            timer = loop.call_later(self.settings.timeout, _expire, future)
            try:
                assert self.transport is not None
                self.transport.sendto(message, self.address)
                reply = await future
            finally:
                timer.cancel()
                self._pending = None
            if reply is not None:
                return reply
        return None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if self._pending is None or self._pending[1].done():
            return
        key, future = self._pending
        reply = self.accept(data, key)
        if reply is not None:
            future.set_result(reply)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(None)
