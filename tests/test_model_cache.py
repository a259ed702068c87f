"""The model cache: keys, atomic writes, integrity checks, rebuilds, and two processes at once."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.cache import MANIFEST, ArtifactSpec, ModelCache, verify


def train_weights(folder: Path, progress) -> None:
    progress.update(0.5, "half way")
    np.savez(folder / "weights.npz", w=np.arange(5.0))
    (folder / "meta.json").write_text(json.dumps({"epochs": 1}))


def load_weights(folder: Path) -> np.ndarray:
    return np.load(folder / "weights.npz")["w"]


def test_key_changes_with_config_and_data_but_not_with_dict_order():
    base = ArtifactSpec("cnn", {"epochs": 3, "batch": 64}, "abc")
    assert base.key == ArtifactSpec("cnn", {"batch": 64, "epochs": 3}, "abc").key
    assert base.key != ArtifactSpec("cnn", {"epochs": 4, "batch": 64}, "abc").key
    assert base.key != ArtifactSpec("cnn", {"epochs": 3, "batch": 64}, "abd").key
    assert base.key.startswith("cnn-")


def test_trains_once_then_loads_from_disk(tmp_path):
    cache, spec, calls = ModelCache(tmp_path), ArtifactSpec("m", {"a": 1}), []

    def train(folder, progress):
        calls.append(1)
        train_weights(folder, progress)

    first = cache.get_or_train(spec, train, load_weights)
    second = ModelCache(tmp_path).get_or_train(spec, train, load_weights)
    assert calls == [1]
    np.testing.assert_array_equal(first, second)
    assert cache.has(spec)
    manifest = verify(cache.path(spec))
    assert set(manifest["files"]) == {"weights.npz", "meta.json"}


def test_a_failed_training_leaves_no_artifact_and_no_temporary_folder(tmp_path):
    cache, spec = ModelCache(tmp_path), ArtifactSpec("m")

    def crash(folder, progress):
        (folder / "half-written.npz").write_bytes(b"partial")
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError):
        cache.get_or_train(spec, crash, load_weights)
    assert not cache.has(spec)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "delete manifest", "delete a file"])
def test_a_damaged_artifact_is_rebuilt_not_crashed_on(tmp_path, damage):
    cache, spec = ModelCache(tmp_path), ArtifactSpec("m")
    cache.get_or_train(spec, train_weights, load_weights)
    folder = cache.path(spec)
    weights = folder / "weights.npz"
    if damage == "flip a byte":
        data = bytearray(weights.read_bytes())
        data[len(data) // 2] ^= 0xFF
        weights.write_bytes(bytes(data))
    elif damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:10])
    elif damage == "delete manifest":
        (folder / MANIFEST).unlink()
    else:
        weights.unlink()
    calls = []

    def train(folder, progress):
        calls.append(1)
        train_weights(folder, progress)

    np.testing.assert_array_equal(cache.get_or_train(spec, train, load_weights), np.arange(5.0))
    assert calls == [1]
    verify(cache.path(spec))


def test_an_artifact_the_loader_rejects_is_rebuilt(tmp_path):
    cache, spec, attempts = ModelCache(tmp_path), ArtifactSpec("m"), []
    cache.get_or_train(spec, train_weights, load_weights)

    def picky_load(folder):
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("written by an incompatible version")
        return load_weights(folder)

    np.testing.assert_array_equal(cache.get_or_train(spec, train_weights, picky_load), np.arange(5.0))


def _train_in_process(root: str, counter: str) -> None:
    def train(folder, progress):
        with open(counter, "a") as fh:
            fh.write("trained\n")
        train_weights(folder, progress)

    ModelCache(Path(root)).get_or_train(ArtifactSpec("shared"), train, load_weights)


def test_two_processes_training_the_same_model_train_it_once(tmp_path):
    counter = tmp_path / "count.txt"
    tests = Path(__file__).resolve().parent
    code = (f"import sys; sys.path[:0] = [{str(tests.parent)!r}, {str(tests)!r}]; "
            f"from test_model_cache import _train_in_process; "
            f"_train_in_process({str(tmp_path / 'cache')!r}, {str(counter)!r})")
    # Separate interpreters (not multiprocessing's spawn, whose start depends on the state of the test process).
    trainers = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(3)]
    for trainer in trainers:
        assert trainer.wait(timeout=240) == 0
    assert counter.read_text().count("trained") == 1
    verify(ModelCache(tmp_path / "cache").path(ArtifactSpec("shared")))


def test_a_read_only_cache_still_trains_and_serves_the_model(tmp_path):
    root = tmp_path / "read-only"
    root.mkdir()
    root.chmod(0o500)
    try:
        cache = ModelCache(root)
        if cache.writable():  # running as root ignores permissions: make the folder unusable another way
            root.chmod(0o700)
            root.rmdir()
            root.write_text("a file where the cache folder should be")
            cache = ModelCache(root / "models")
        assert not cache.writable()
        np.testing.assert_array_equal(cache.get_or_train(ArtifactSpec("m"), train_weights, load_weights), np.arange(5.0))
        assert not cache.has(ArtifactSpec("m"))
    finally:
        if root.is_dir():
            root.chmod(0o700)
