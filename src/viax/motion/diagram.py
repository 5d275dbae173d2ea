"""The state diagram of a motion model, as Mermaid text or Graphviz DOT."""

from __future__ import annotations

from collections.abc import Iterator

from viax.motion.model import MotionModel
from viax.motion.snapshot import Action

_OUTSIDE = "[*]"


def _edges(model: MotionModel) -> Iterator[tuple[str, str, str]]:
    """Every (source, target, action) the model allows; `[*]` is outside."""
    for name, spec in model.actions.items():
        for source in spec.sources or (_OUTSIDE,):
            # A migration keeps the motion's state: a loop on each source.
            targets = (source,) if name == Action.MIGRATE.value else spec.targets
            for target in targets:
                yield source, target, name


def mermaid(model: MotionModel) -> str:
    """A Mermaid `stateDiagram-v2` of every transition the model allows."""
    lines = [
        "stateDiagram-v2",
        f"    %% {model.name} v{model.version} ({model.kind})",
    ]
    for source, target, name in _edges(model):
        lines.append(f"    {source} --> {target}: {name}")
    for state in model.terminal:
        lines.append(f"    {state} --> {_OUTSIDE}")
    return "\n".join(lines) + "\n"


def graphviz(model: MotionModel) -> str:
    """The same diagram as a Graphviz digraph, for `dot -Tsvg` to render."""
    lines = [
        "digraph motion {",
        f'    label="{model.name} v{model.version} ({model.kind})";',
        '    rankdir=LR; fontname="sans-serif";',
        '    node [shape=box, style=rounded, fontname="sans-serif"];',
        '    edge [fontname="sans-serif", fontsize=10];',
        '    "[*]" [shape=point, width=0.2];',
    ]
    for state in model.terminal:
        lines.append(f'    "{state}" [peripheries=2];')
    for source, target, name in _edges(model):
        lines.append(f'    "{source}" -> "{target}" [label="{name}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
