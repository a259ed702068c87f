"""The data layer: resolution order, checksums, missing-data messages, downloads from a local HTTP server."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from data import locate
from data.locate import ChecksumMismatch, DatasetMissing, Locator, dataset_dir
from data.registry import DATASETS, DataFile, Dataset, Download

CONTENT = b"year,price\n2000,1.5\n2001,1.7\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def toy(monkeypatch):
    """Register a one-file data set 'toy' for the duration of a test."""

    def register(downloads=()):
        dataset = Dataset("toy", "Toy data", (DataFile("toy.csv", sha(CONTENT), len(CONTENT)),),
                          "https://example.org", "CC0", "Toy", tuple(downloads))
        monkeypatch.setitem(DATASETS, "toy", dataset)
        return dataset

    return register


def put(folder: Path, data: bytes = CONTENT) -> Path:
    (folder / "toy").mkdir(parents=True, exist_ok=True)
    (folder / "toy" / "toy.csv").write_bytes(data)
    return folder / "toy"


def test_first_root_holding_the_files_wins(tmp_path, toy):
    toy()
    env_dir, shared, cache = tmp_path / "env", tmp_path / "shared", tmp_path / "cache"
    put(shared)
    put(cache)
    locator = Locator((env_dir, shared), cache, allow_download=False)
    assert dataset_dir("toy", locator) == shared / "toy"
    put(env_dir)
    assert dataset_dir("toy", locator) == env_dir / "toy"


def test_environment_variable_comes_before_the_shared_mirror(tmp_path, monkeypatch, toy):
    toy()
    put(tmp_path / "mine")
    monkeypatch.setenv(locate.DATA_DIR_VARIABLE, str(tmp_path / "mine"))
    assert Locator.default().search_roots[0] == tmp_path / "mine"
    assert dataset_dir("toy") == tmp_path / "mine" / "toy"


def test_default_locator_finds_the_shared_beef_data():
    folder = dataset_dir("beef", Locator.default())
    assert (folder / "beef.csv").is_file()


def test_checksum_mismatch_is_an_error_never_used(tmp_path, toy):
    toy()
    put(tmp_path / "shared", b"year,price\n2000,9.9\n")
    with pytest.raises(ChecksumMismatch, match="does not match its checksum"):
        dataset_dir("toy", Locator((tmp_path / "shared",), tmp_path / "cache", allow_download=False))


def test_missing_data_set_names_the_variable_and_the_url(tmp_path, toy):
    toy([Download("https://example.org/toy.csv", target="toy.csv")])
    with pytest.raises(DatasetMissing) as error:
        dataset_dir("toy", Locator((tmp_path / "nowhere",), tmp_path / "cache", allow_download=False))
    message = str(error.value)
    assert "Toy data" in message and locate.DATA_DIR_VARIABLE in message and "https://example.org/toy.csv" in message


def test_download_verifies_and_lands_in_the_cache_with_progress(tmp_path, http_root, toy):
    www, base = http_root
    (www / "toy.csv").write_bytes(CONTENT)
    toy([Download(f"{base}/toy.csv", target="toy.csv", sha256=sha(CONTENT))])
    seen = []
    folder = dataset_dir("toy", Locator((tmp_path / "nowhere",), tmp_path / "cache"),
                         progress=lambda done, total, what: seen.append((done, total)))
    assert folder == tmp_path / "cache" / "toy"
    assert (folder / "toy.csv").read_bytes() == CONTENT
    assert seen[-1] == (len(CONTENT), len(CONTENT))


def test_download_with_a_wrong_checksum_leaves_nothing_behind(tmp_path, http_root, toy):
    www, base = http_root
    (www / "toy.csv").write_bytes(b"tampered\n")
    toy([Download(f"{base}/toy.csv", target="toy.csv")])
    with pytest.raises(ChecksumMismatch):
        dataset_dir("toy", Locator((), tmp_path / "cache"))
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [".toy.lock"]  # no data set, no staging folder


def test_zip_download_is_unpacked(tmp_path, http_root, toy):
    www, base = http_root
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("toy.csv", CONTENT)
        archive.writestr("../escape.txt", b"no")
    (www / "toy.zip").write_bytes(buffer.getvalue())
    toy([Download(f"{base}/toy.zip", unpack="data.unpack:zip")])
    folder = dataset_dir("toy", Locator((), tmp_path / "cache"))
    assert (folder / "toy.csv").read_bytes() == CONTENT
    assert not (tmp_path / "cache" / "escape.txt").exists()


def test_unreachable_publisher_gives_the_missing_message(tmp_path, toy):
    toy([Download("http://127.0.0.1:9/toy.csv", target="toy.csv")])
    with pytest.raises(DatasetMissing, match="automatic download failed"):
        dataset_dir("toy", Locator((), tmp_path / "cache"))


def test_registry_covers_every_shared_data_set_with_matching_checksums():
    """Every file the registry lists for a mirrored data set exists in the shared mirror with its checksum."""
    mirrored = [key for key, dataset in DATASETS.items() if dataset.in_mirror]
    assert set(DATASETS) - set(mirrored) == {"wikitext-2", "wikitext-103", "google-mobility", "oxcgrt-indicators"}
    for key in mirrored:
        folder = dataset_dir(key, Locator.default())
        assert all((folder / f.path).stat().st_size == f.size for f in DATASETS[key].files), key


def test_every_download_names_an_existing_unpack_function():
    import importlib

    for dataset in DATASETS.values():
        for download in dataset.downloads:
            module, function = download.unpack.split(":")
            assert callable(getattr(importlib.import_module(module), function)), download.unpack


# --- WikiText: a publisher that gives the archive's checksum only ---------------------------------------------

WIKI_SPLITS = {
    "train": " = Valkyria Chronicles III = \n \n Senjō no Valkyria 3 : <unk> Chronicles . \n",
    "valid": " = Homarus gammarus = \n \n Homarus gammarus is a large <unk> . \n",
    "test": " = Robert Boulter = \n \n Robert Boulter is an English actor . \n",
}


@pytest.fixture
def wikitext_2(http_root, monkeypatch):
    """WikiText-2's registry entry pointed at a zip laid out like the publisher's, served on 127.0.0.1."""
    www, base = http_root
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for split, text in WIKI_SPLITS.items():
            archive.writestr(f"wikitext-2/wiki.{split}.tokens", text.encode())
    (www / "wikitext-2-v1.zip").write_bytes(buffer.getvalue())
    real = DATASETS["wikitext-2"]
    download = replace(real.downloads[0], url=f"{base}/wikitext-2-v1.zip", sha256=sha(buffer.getvalue()))
    monkeypatch.setitem(DATASETS, "wikitext-2", replace(real, downloads=(download,)))
    return www


def test_complete_wikitext_2_is_downloaded_checked_and_read_as_a_corpus(tmp_path, wikitext_2):
    from data.text import load_corpus

    locator = Locator((tmp_path / "nowhere",), tmp_path / "cache")
    seen = []
    articles = load_corpus("wikitext-2-full", locator, progress=lambda done, total, what: seen.append(what))
    assert articles == [line for text in WIKI_SPLITS.values() for line in text.split("\n") if line.strip()]
    assert seen and seen[-1].endswith("/wikitext-2-v1.zip")
    # The unpacked files' checksums were recorded from the verified archive, beside the data set folder:
    # a damaged file is refused.
    train = tmp_path / "cache/wikitext-2/wikitext-2/wiki.train.tokens"
    record = json.loads(locator.record(DATASETS["wikitext-2"]).read_text())
    assert record["wikitext-2/wiki.train.tokens"] == sha(train.read_bytes())
    train.write_text(" = Valkyria = \n")
    with pytest.raises(ChecksumMismatch):
        load_corpus("wikitext-2-full", locator)


def test_an_archive_that_is_not_the_published_one_is_refused(tmp_path, wikitext_2):
    (wikitext_2 / "wikitext-2-v1.zip").write_bytes(b"PK not the archive")
    with pytest.raises(ChecksumMismatch, match="not the published one"):
        dataset_dir("wikitext-2", Locator((), tmp_path / "cache"))
    assert not (tmp_path / "cache" / "wikitext-2").exists()


def test_offline_wikitext_names_the_publisher_url(tmp_path):
    from data.text import load_corpus

    with pytest.raises(DatasetMissing, match="https://wikitext.smerity.com/wikitext-103-v1.zip"):
        load_corpus("wikitext-103", Locator((tmp_path,), tmp_path / "cache", allow_download=False))


def test_an_unpacked_wikitext_copy_in_the_data_directory_is_used(tmp_path):
    from data.text import load_corpus

    for split, text in WIKI_SPLITS.items():
        path = tmp_path / "mine/wikitext-2/wikitext-2" / f"wiki.{split}.tokens"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    locator = Locator((tmp_path / "mine",), tmp_path / "cache", allow_download=False)
    assert load_corpus("wikitext-2-full", locator)[0] == " = Valkyria Chronicles III = "
