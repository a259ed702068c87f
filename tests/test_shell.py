"""The app-wide run settings: models stay warm between runs, heavy libraries are imported in the background."""
import sys
import tomllib

import matplotlib.pyplot as plt
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from components import shell
from components.catalog import PROJECT_ROOT


def test_a_run_of_the_app_leaves_keras_alone_but_still_closes_figures(monkeypatch):
    import keras

    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: calls.append("cleared"))
    monkeypatch.setattr(script_runner, "_clean_problem_modules", script_runner._clean_problem_modules)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.run()
    assert not app.exception
    assert script_runner._clean_problem_modules is shell._close_matplotlib_figures
    plt.figure()
    script_runner._clean_problem_modules()  # what Streamlit calls after every run
    assert plt.get_fignums() == [] and calls == []


def test_no_garbage_collection_after_every_run():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_the_heavy_libraries_are_imported_once_in_the_background():
    shell.import_heavy_libraries_in_background.clear()
    thread = shell.import_heavy_libraries_in_background()
    assert thread is shell.import_heavy_libraries_in_background()  # once per process
    thread.join(timeout=120)
    assert not thread.is_alive() and all(name in sys.modules for name in shell.HEAVY_LIBRARIES)


def test_the_app_removes_what_crashed_trainings_left_in_the_model_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    left = [tmp_path / ".tmp-digits-cnn-0123456789abcdef-x1y2z3", tmp_path / ".trash-digits-cnn-1-2"]
    for folder in left:
        (folder / "weights").mkdir(parents=True)
    shell.clean_model_cache.clear()
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception
    assert not any(folder.exists() for folder in left)
