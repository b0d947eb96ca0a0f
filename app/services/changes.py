"""A tiny change bus: services say which entities changed, panels refresh only what is affected."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Listener = Callable[["Changes"], None]


@dataclass(frozen=True)
class Changes:
    """Entity name -> ids that changed (an empty set means 'many; reload')."""

    entities: dict[str, frozenset[int]] = field(default_factory=dict)

    def touches(self, entity: str) -> bool:
        return entity in self.entities


class ChangeBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def publish(self, changes: Changes) -> None:
        for listener in list(self._listeners):
            listener(changes)
