"""Named guards: each checks one rule of a transition and says why it fails.

A model names the guards each action runs; `GUARDS` is where those names
are looked up. The standing guards (state, role, input shape) run before
them on every action and are not named in models.
"""

from __future__ import annotations

from types import ModuleType

from viax.motion.guards import (
    amendment,
    lines,
    migration,
    order,
    parties,
    quote,
    renewal,
    returns,
)
from viax.motion.guards.call import Guard, GuardCall, GuardCode
from viax.motion.guards.standing import ROLE_EXPRESSIONS, STANDING


def _declared(*modules: ModuleType) -> dict[str, Guard]:
    found = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, Guard)
    ]
    return {found_guard.name: found_guard for found_guard in found}


GUARDS: dict[str, Guard] = _declared(
    parties, lines, quote, order, renewal, migration, returns, amendment
)
"""Every guard a model may name, by name."""

__all__ = [
    "GUARDS",
    "ROLE_EXPRESSIONS",
    "STANDING",
    "Guard",
    "GuardCall",
    "GuardCode",
]
