"""The state diagram of a motion model, as Mermaid text."""

from __future__ import annotations

from viax.motion.model import MotionModel
from viax.motion.snapshot import Action

_OUTSIDE = "[*]"


def mermaid(model: MotionModel) -> str:
    """A Mermaid `stateDiagram-v2` of every transition the model allows."""
    lines = [
        "stateDiagram-v2",
        f"    %% {model.name} v{model.version} ({model.kind})",
    ]
    for name, spec in model.actions.items():
        sources = spec.sources or (_OUTSIDE,)
        for source in sources:
            # A migration keeps the motion's state: a loop on each source.
            targets = (source,) if name == Action.MIGRATE.value else spec.targets
            for target in targets:
                lines.append(f"    {source} --> {target}: {name}")
    for state in model.terminal:
        lines.append(f"    {state} --> {_OUTSIDE}")
    return "\n".join(lines) + "\n"
