"""Model files a deployment loads beside the shipped ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from viax.motion.model import ModelError, deployment_registry
from viax.motion.snapshot import MotionKind

SHIPPED = (
    resources.files("viax.motion") / "models" / "new_business.v1.toml"
).read_text(encoding="utf-8")
SECOND = SHIPPED.replace("version = 1", "version = 2", 1)


def folder_of(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_later_version_loads_beside_the_shipped_models(tmp_path: Path) -> None:
    registry = deployment_registry(folder_of(tmp_path, second=SECOND))

    assert registry.latest(MotionKind.NEW_BUSINESS).version == 2
    assert registry.get("new-business", 1).version == 1
    assert registry.latest(MotionKind.RENEWAL).name == "renewal"


def test_every_broken_or_duplicate_file_is_named_at_once(tmp_path: Path) -> None:
    folder = folder_of(
        tmp_path,
        broken=SECOND.replace('guards = ["not_owner"]', 'guards = ["hunch"]'),
        copy=SHIPPED,
        twin=SECOND,
        again=SECOND,
    )

    with pytest.raises(ModelError) as refused:
        deployment_registry(folder)

    assert str(refused.value).splitlines()[1:] == [
        "  broken.toml: action approve: unknown guard 'hunch'",
        "  copy.toml: model new-business v1 is already loaded from the package",
        "  twin.toml: model new-business v2 is already loaded from again.toml",
    ]


def test_a_folder_without_model_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no \*\.toml model file"):
        deployment_registry(tmp_path)
