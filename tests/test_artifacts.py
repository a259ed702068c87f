"""The artifact protocol: declarations, the pre-train command, and the app's in-memory store."""
import dataclasses
import subprocess
import sys
import threading
import time

import pytest

from components.artifact_store import ArtifactStore
from conftest import PROJECT_ROOT
from core.artifacts import Artifact, InMemoryArtifact, NotTrained
from core.cache import ArtifactSpec, ModelCache, verify
from core.jobs import FIT, TRAINING, JobKind
from models.artifacts import BY_NAME, PRETRAINED


def build_numbers(size, progress=None):
    """A tiny artifact for the protocol: its numbers, trained into the model cache on first use."""
    def train(folder, progress):
        (folder / "numbers.txt").write_text(" ".join(map(str, range(size))))

    def load(folder):
        return [int(n) for n in (folder / "numbers.txt").read_text().split()]

    return ModelCache().get_or_train(ArtifactSpec("numbers", {"size": size}), train, load, progress)


def numbers(size: int, kind: JobKind = TRAINING) -> Artifact:
    return Artifact("numbers", "numbers", spec=lambda: ArtifactSpec("numbers", {"size": size}),
                    build=f"{__name__}:build_numbers", arguments=(size,), kind=kind)


def test_an_artifact_trains_once_then_loads_from_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    artifact = numbers(3)
    assert not artifact.is_trained()
    with pytest.raises(NotTrained):
        artifact.load()
    assert artifact.train() == [0, 1, 2]
    assert artifact.is_trained() and artifact.load() == [0, 1, 2]
    assert numbers(4).key != artifact.key and not numbers(4).is_trained()


def test_a_fit_kept_in_the_cache_counts_against_the_results_budget_and_a_model_does_not(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("ML_ATLAS_FIT_CACHE_MB", "0")
    model, earlier_fit, later_fit = numbers(3), numbers(4, FIT), numbers(5, FIT)
    assert model.train() == [0, 1, 2] and earlier_fit.train() == [0, 1, 2, 3]
    assert earlier_fit.is_trained(), "the result just written stays, even past the budget"
    assert later_fit.train() == [0, 1, 2, 3, 4]
    assert not earlier_fit.is_trained() and later_fit.is_trained() and model.is_trained()
    assert verify(tmp_path / later_fit.key)["bounded"] is True
    assert verify(tmp_path / model.key)["bounded"] is False


def test_the_cluster_command_first_removes_what_crashed_trainings_left(tmp_path):
    models = tmp_path / "models"
    leftovers = [models / ".tmp-digits-cnn-0123456789abcdef-k3x_9q2a", models / ".trash-digits-cnn-1-2"]
    for folder in leftovers:
        folder.mkdir(parents=True)
        (folder / "weights.keras").write_bytes(b"half a model")
    ended = subprocess.Popen(["true"])  # a parent that has ended: the cluster stops as soon as it is up
    ended.wait()
    result = subprocess.run([sys.executable, "-m", "models", "cluster", "--parent-pid", str(ended.pid)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
                            env={"PATH": "/usr/bin:/bin", "ML_ATLAS_MODEL_DIR": str(models),
                                 "ML_ATLAS_TRAINING_SLOTS": "1", "ML_ATLAS_FIT_WORKERS": "1"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "removed 2 folders left by crashed processes" in result.stdout
    assert not any(folder.exists() for folder in leftovers)


def test_every_declared_artifact_has_a_unique_name_and_key():
    assert len(BY_NAME) == len(PRETRAINED) == 12
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


def test_the_warm_start_puts_a_word_map_whose_model_is_untrained_after_quicker_models(tmp_path, monkeypatch):
    from core.pretrain import missing_quickest_first
    from models.hmm.artifacts import HMM_TAGGERS
    from models.word2vec.artifacts import WORD_MAPS

    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))  # an empty cache: every model is missing
    word_map = WORD_MAPS[0]
    order = missing_quickest_first(PRETRAINED)
    # The map alone takes seconds, but its word2vec model has to be trained first: minutes.
    assert word_map.estimate < HMM_TAGGERS.estimate < word_map.seconds_to_ready()
    assert order.index(HMM_TAGGERS) < order.index(word_map)
    assert order.index(word_map.needs[0]) < order.index(word_map)


WARMED: list = []


def remember_warm_up(value) -> None:
    WARMED.append((value, threading.current_thread().name))


def test_loading_an_artifact_starts_its_warm_up_in_the_background(monkeypatch, tmp_path):
    from components import artifact_store

    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(artifact_store, "artifact_store", lambda store=ArtifactStore(): store)  # empty, this test's
    artifact = dataclasses.replace(numbers(5), warm_up=f"{__name__}:remember_warm_up")
    artifact.train()
    assert artifact_store.loaded(artifact) == [0, 1, 2, 3, 4]
    deadline = time.monotonic() + 30
    while not WARMED and time.monotonic() < deadline:
        time.sleep(0.05)
    assert WARMED == [([0, 1, 2, 3, 4], "warm-up numbers")]  # on its own thread, once
    assert artifact_store.loaded(artifact) == [0, 1, 2, 3, 4]  # from memory now: not warmed again
    time.sleep(0.2)
    assert len(WARMED) == 1
