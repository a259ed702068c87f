"""The local job cluster's workers: how many threads each kind gets for BLAS and TensorFlow."""
from core.cluster import worker_specs


def test_a_training_worker_gives_its_threads_to_blas_and_both_tensorflow_pools(monkeypatch):
    monkeypatch.setenv("ML_ATLAS_TRAINING_THREADS", "2")
    specs = worker_specs()
    training = specs["training-0"]["options"]["env"]
    assert (training["OMP_NUM_THREADS"], training["TF_NUM_INTRAOP_THREADS"], training["TF_NUM_INTEROP_THREADS"]) \
        == ("2", "2", "2")
    fits = [spec["options"]["env"] for name, spec in specs.items() if name.startswith("fit-")]
    assert fits and all(env["OMP_NUM_THREADS"] == "1" and env["TF_NUM_INTEROP_THREADS"] == "1" for env in fits)
