"""The artifact protocol: declarations, the pre-train command, and the app's in-memory store."""
import subprocess
import sys

import pytest

from components.artifact_store import ArtifactStore
from conftest import PROJECT_ROOT
from core.artifacts import Artifact, InMemoryArtifact, NotTrained
from core.cache import ArtifactSpec, ModelCache
from models.artifacts import BY_NAME, PRETRAINED


def build_numbers(size, progress=None):
    """A tiny artifact for the protocol: its numbers, trained into the model cache on first use."""
    def train(folder, progress):
        (folder / "numbers.txt").write_text(" ".join(map(str, range(size))))

    def load(folder):
        return [int(n) for n in (folder / "numbers.txt").read_text().split()]

    return ModelCache().get_or_train(ArtifactSpec("numbers", {"size": size}), train, load, progress)


def numbers(size: int) -> Artifact:
    return Artifact("numbers", "numbers", spec=lambda: ArtifactSpec("numbers", {"size": size}),
                    build=f"{__name__}:build_numbers", arguments=(size,))


def test_an_artifact_trains_once_then_loads_from_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    artifact = numbers(3)
    assert not artifact.is_trained()
    with pytest.raises(NotTrained):
        artifact.load()
    assert artifact.train() == [0, 1, 2]
    assert artifact.is_trained() and artifact.load() == [0, 1, 2]
    assert numbers(4).key != artifact.key and not numbers(4).is_trained()


def test_every_declared_artifact_has_a_unique_name_and_key():
    assert len(BY_NAME) == len(PRETRAINED) == 9
    assert len({artifact.key for artifact in PRETRAINED}) == len(PRETRAINED)


def test_the_pretrain_command_lists_every_artifact_quietly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "models", "list"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "ML_ATLAS_MODEL_DIR": str(tmp_path)}, check=True)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [artifact.name for artifact in PRETRAINED]
    assert all("not trained" in line for line in lines)
    assert result.stderr == ""


def test_the_store_keeps_the_most_recently_used_artifacts():
    store = ArtifactStore(capacity=2)
    store.keep("a", 1)
    store.keep("b", 2)
    assert store.cached("a") == 1  # a is now the most recent
    store.keep("c", 3)
    assert store.cached("b") is None and store.cached("a") == 1 and store.cached("c") == 3


def test_an_in_memory_result_is_computed_on_request_only():
    calls = []
    result = InMemoryArtifact("fit-1", "a fit", lambda progress: calls.append(progress) or 42)
    assert not result.is_trained()
    with pytest.raises(NotTrained):
        result.load()
    assert result.train() == 42 and len(calls) == 1
