"""What the lab starts and stops (simulators, SSH servers): ``with`` starts it and stops it."""

from __future__ import annotations

from typing import Self


class Service:
    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
