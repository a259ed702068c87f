"""The model cache: keys, atomic writes, integrity checks, rebuilds, locks, leftovers, and the results' budget."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core.cache import MANIFEST, ArtifactSpec, ArtifactUnloadable, ModelCache, TrainingLockTimeout, verify
from core.progress import TrainingProgress


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


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "delete manifest", "delete a file",
                                    "manifest without its file list"])
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
    elif damage == "delete a file":
        weights.unlink()
    else:
        (folder / MANIFEST).write_text(json.dumps({"key": spec.key}))
    calls = []

    def train(folder, progress):
        calls.append(1)
        train_weights(folder, progress)

    np.testing.assert_array_equal(cache.get_or_train(spec, train, load_weights), np.arange(5.0))
    assert calls == [1]
    verify(cache.path(spec))


def test_damage_the_loader_would_accept_is_caught_by_the_manifest(tmp_path):
    """A changed digit leaves valid JSON: only the sha256 check stops the wrong value from being served."""
    cache, spec, calls = ModelCache(tmp_path), ArtifactSpec("scores"), []

    def train(folder, progress):
        calls.append(1)
        (folder / "scores.json").write_text(json.dumps({"accuracy": 0.9123}))

    def load(folder):
        return json.loads((folder / "scores.json").read_text())

    cache.get_or_train(spec, train, load)
    scores = cache.path(spec) / "scores.json"
    scores.write_text(scores.read_text().replace("0.9123", "0.9923"))
    assert load(cache.path(spec)) == {"accuracy": 0.9923}  # the loader alone would serve the damage
    assert cache.get_or_train(spec, train, load) == {"accuracy": 0.9123}
    assert calls == [1, 1]


@pytest.mark.parametrize("failure", [MemoryError(), ValueError("written by an incompatible version")])
def test_an_intact_artifact_the_loader_fails_on_is_kept_and_explained(tmp_path, failure, caplog):
    cache, spec, calls = ModelCache(tmp_path), ArtifactSpec("m"), []
    cache.get_or_train(spec, train_weights, load_weights)

    def train(folder, progress):
        calls.append(1)
        train_weights(folder, progress)

    def failing_load(folder):
        raise failure

    with pytest.raises(ArtifactUnloadable) as raised:
        cache.get_or_train(spec, train, failing_load)
    message = str(raised.value)
    assert spec.key in message and type(failure).__name__ in message
    assert f"delete the folder {cache.path(spec)} to retrain it" in message
    assert spec.key in caplog.text
    assert calls == []
    verify(cache.path(spec))  # kept as it was
    np.testing.assert_array_equal(cache.get_or_train(spec, train, load_weights), np.arange(5.0))
    assert calls == []


def _train_in_process(root: str, log: str, ready: str, trainers: int) -> None:
    """One of several trainers of one model: all start together (a barrier of files), the training takes a second."""
    def train(folder, progress):
        with open(log, "a") as fh:
            fh.write(f"start {time.time()}\n")
        time.sleep(1.0)  # long enough that trainers without the lock would overlap for sure
        train_weights(folder, progress)
        with open(log, "a") as fh:
            fh.write(f"end {time.time()}\n")

    Path(ready, str(os.getpid())).touch()
    deadline = time.time() + 120
    while len(os.listdir(ready)) < trainers and time.time() < deadline:
        time.sleep(0.01)
    ModelCache(Path(root)).get_or_train(ArtifactSpec("shared"), train, load_weights)


def test_two_processes_training_the_same_model_train_it_once(tmp_path):
    log, ready, trainers = tmp_path / "trainings.log", tmp_path / "ready", 3
    ready.mkdir()
    tests = Path(__file__).resolve().parent
    code = (f"import sys; sys.path[:0] = [{str(tests.parent)!r}, {str(tests)!r}]; "
            f"from test_model_cache import _train_in_process; "
            f"_train_in_process({str(tmp_path / 'cache')!r}, {str(log)!r}, {str(ready)!r}, {trainers})")
    # Separate interpreters (not multiprocessing's spawn, whose start depends on the state of the test process).
    processes = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(trainers)]
    codes = [process.wait(timeout=240) for process in processes]
    events = [line.split() for line in log.read_text().splitlines()]
    starts, ends = [float(t) for e, t in events if e == "start"], [float(t) for e, t in events if e == "end"]
    assert len(starts) == 1, f"trained {len(starts)} times"
    assert all(end <= start for end, start in zip(sorted(ends), sorted(starts)[1:])), "two trainings overlapped"
    assert codes == [0] * trainers
    verify(ModelCache(tmp_path / "cache").path(ArtifactSpec("shared")))


@contextlib.contextmanager
def lock_held_elsewhere(cache: ModelCache, key: str):
    """Another process holds the training lock of ``key`` while the block runs (as a training in progress does)."""
    cache.root.mkdir(parents=True, exist_ok=True)
    code = ("import fcntl, sys, time; handle = open(sys.argv[1], 'a'); fcntl.flock(handle, fcntl.LOCK_EX); "
            "print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(cache.root / f".{key}.lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


class RecordedProgress(TrainingProgress):
    def __init__(self):
        self.messages = []

    def update(self, fraction, message=""):
        self.messages.append(message)


def test_waiting_for_another_process_training_the_model_has_a_time_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_ATLAS_LOCK_WAIT", "1")
    cache, spec, calls, progress = ModelCache(tmp_path), ArtifactSpec("m"), [], RecordedProgress()
    with lock_held_elsewhere(cache, spec.key):
        with pytest.raises(TrainingLockTimeout) as raised:
            cache.get_or_train(spec, lambda folder, p: calls.append(1), load_weights, progress)
    message = str(raised.value)
    assert spec.key in message and "Waited 1 s" in message and "ML_ATLAS_LOCK_WAIT" in message
    assert calls == [] and not cache.has(spec)
    assert "waiting for another process that is training it" in progress.messages


def test_leftovers_of_crashed_processes_are_removed_but_not_a_training_in_progress(tmp_path):
    cache, trained, running = ModelCache(tmp_path), ArtifactSpec("trained"), ArtifactSpec("running")
    cache.get_or_train(trained, train_weights, load_weights)
    stale = tmp_path / f".tmp-{trained.key}-k3x_9q2a"
    in_progress = tmp_path / f".tmp-{running.key}-ab12cd34"
    trash = tmp_path / f".trash-{trained.key}-4242-1700000000000000000"
    for folder in (stale, in_progress, trash):
        folder.mkdir()
        (folder / "weights.npz").write_bytes(b"half a model")
    with lock_held_elsewhere(cache, running.key):
        assert sorted(cache.clean_leftovers()) == sorted([stale, trash])
    assert in_progress.is_dir() and not stale.exists() and not trash.exists()
    verify(cache.path(trained))


def write_bytes_artifact(cache: ModelCache, name: str, size: int, bounded: bool) -> ArtifactSpec:
    spec = ArtifactSpec(name, bounded=bounded)
    cache.get_or_train(spec, lambda folder, p: (folder / "blob.bin").write_bytes(b"x" * size),
                       lambda folder: (folder / "blob.bin").stat().st_size)
    return spec


def load_blob(cache: ModelCache, spec: ArtifactSpec) -> int:
    return cache.get_or_train(spec, lambda folder, p: pytest.fail("retrained"),
                              lambda folder: (folder / "blob.bin").stat().st_size)


def last_used(cache: ModelCache, spec: ArtifactSpec, seconds_ago: float) -> None:
    stamp = time.time() - seconds_ago
    os.utime(cache.path(spec) / MANIFEST, (stamp, stamp))


def test_results_of_settings_past_their_budget_are_removed_least_recently_used_first(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_ATLAS_FIT_CACHE_MB", "1")
    cache, kb = ModelCache(tmp_path), 1024
    pretrained = write_bytes_artifact(cache, "pretrained", 1500 * kb, bounded=False)
    older = write_bytes_artifact(cache, "fit-a", 400 * kb, bounded=True)
    newer = write_bytes_artifact(cache, "fit-b", 400 * kb, bounded=True)
    for spec, seconds_ago in ((pretrained, 300), (older, 200), (newer, 100)):
        last_used(cache, spec, seconds_ago)
    assert ArtifactSpec("fit-a").key == older.key, "bounded is not part of the key"
    assert load_blob(cache, older) == 400 * kb  # used now: fit-b is the least recently used result
    latest = write_bytes_artifact(cache, "fit-c", 400 * kb, bounded=True)  # 1.2 MB of results > 1 MB
    assert not cache.has(newer)
    assert cache.has(older) and cache.has(latest) and cache.has(pretrained)
    assert verify(cache.path(latest))["bounded"] is True and verify(cache.path(pretrained))["bounded"] is False
    assert not list(tmp_path.glob(".trash-*"))


def test_a_result_another_process_is_retraining_is_not_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_ATLAS_FIT_CACHE_MB", "1")
    cache, kb = ModelCache(tmp_path), 1024
    locked = write_bytes_artifact(cache, "fit-locked", 400 * kb, bounded=True)
    free = write_bytes_artifact(cache, "fit-free", 400 * kb, bounded=True)
    last_used(cache, locked, 200)
    last_used(cache, free, 100)
    with lock_held_elsewhere(cache, locked.key):
        write_bytes_artifact(cache, "fit-new", 400 * kb, bounded=True)
    assert cache.has(locked) and not cache.has(free)


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
