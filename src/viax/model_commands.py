"""`viax model validate | diagram`: check a motion model, or draw it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from viax.errors import ConfigurationError
from viax.settings import Settings

if TYPE_CHECKING:
    from viax.motion.model import MotionModel


def add_model_parser(commands: Any) -> None:
    """Add `viax model validate` and `viax model diagram` to the commands."""
    model = commands.add_parser("model", help="check or draw a motion model")
    actions = model.add_subparsers(dest="model_command", required=True)
    validate = actions.add_parser("validate", help="report every problem of a model")
    validate.add_argument("file", type=Path, help="a model file (TOML)")
    diagram = actions.add_parser("diagram", help="print a model's state diagram")
    diagram.add_argument(
        "file", type=Path, nargs="?", help="a model file (default: new business)"
    )
    diagram.add_argument("--svg", type=Path, help="also render SVG there (mmdc or dot)")


def run_model(args: argparse.Namespace, settings: Settings) -> int:
    """Run `viax model validate` or `viax model diagram`."""
    from viax.motion.diagram import mermaid
    from viax.motion.model import default_registry, model_problems, parse_model

    if args.model_command == "validate":
        problems = model_problems(_read(args.file))
        for problem in problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        if not problems:
            print(f"{args.file}: valid")
        return 1 if problems else 0
    if args.file is None:
        chosen = default_registry().get("new-business", 1)
    else:
        chosen = parse_model(_read(args.file), origin=args.file.name)
    text = mermaid(chosen)
    sys.stdout.write(text)
    return 0 if args.svg is None else _render_svg(chosen, text, args.svg)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(f"cannot read {path}: {error.strerror}") from error


def _render_svg(model: MotionModel, text: str, target: Path) -> int:
    """SVG from the Mermaid CLI when it is installed, else from Graphviz."""
    import shutil

    from viax.motion.diagram import graphviz

    mermaid_cli, dot = shutil.which("mmdc"), shutil.which("dot")
    if mermaid_cli is not None:
        return _mermaid_svg(mermaid_cli, text, target)
    if dot is not None:
        return _run([dot, "-Tsvg", "-o", str(target)], graphviz(model))
    print(
        "no SVG: neither the Mermaid CLI (mmdc) nor Graphviz (dot) is installed",
        file=sys.stderr,
    )
    return 1


def _mermaid_svg(renderer: str, text: str, target: Path) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "model.mmd"
        source.write_text(text, encoding="utf-8")
        return _run([renderer, "-i", str(source), "-o", str(target)])


def _run(command: list[str], given: str | None = None) -> int:
    import subprocess

    done = subprocess.run(command, input=given, text=True, check=False)
    return 0 if done.returncode == 0 else 1
