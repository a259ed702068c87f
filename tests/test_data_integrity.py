"""The data layer against a hostile or broken publisher: forged checksum records, oversized downloads and
archives, cut and damaged responses, two sessions downloading at once. Every publisher here is a real HTTP
server on 127.0.0.1 whose routes say what each URL serves and how."""
from __future__ import annotations

import hashlib
import http.server
import io
import json
import logging
import struct
import tarfile
import threading
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pytest

from data import locate, unpack
from data.imdb import load_imdb
from data.locate import ChecksumMismatch, DatasetMissing, Locator, dataset_dir
from data.registry import DATASETS, DataFile, Dataset, Download

CONTENT = b"year,price\n2000,1.5\n2001,1.7\n"
TAMPERED = b"year,price\n2000,9.9\n2001,9.9\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Respond = Callable[[http.server.BaseHTTPRequestHandler], None]


def whole(body: bytes) -> Respond:
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return respond


def announcing(length: int, body: bytes) -> Respond:
    """Announce ``length`` bytes, send ``body``, close: a cut connection when the body is shorter."""
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(length))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True
    return respond


def without_length(body: bytes) -> Respond:
    """No Content-Length: the body ends when the connection closes."""
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for start in range(0, len(body), 1 << 16):
                handler.wfile.write(body[start:start + (1 << 16)])
        except OSError:
            pass  # the client stopped reading
        handler.close_connection = True
    return respond


def chunked_cut_short(body: bytes) -> Respond:
    """Chunked transfer with the last chunk and the terminator never sent."""
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(f"{len(body):x}\r\n".encode() + body + b"\r\n" + b"100\r\nonly part")
        handler.close_connection = True
    return respond


class Publisher:
    """A real HTTP server on 127.0.0.1: ``routes[path]`` answers each request; ``requests`` counts them."""

    def __init__(self) -> None:
        self.routes: dict[str, Respond] = {}
        self.requests: Counter[str] = Counter()
        publisher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - the http.server name
                publisher.requests[self.path] += 1
                publisher.routes[self.path](self)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, path: str, respond: Respond) -> str:
        self.routes[path] = respond
        return self.base + path


@pytest.fixture
def publisher():
    served = Publisher()
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture
def register(monkeypatch):
    """Register data set 'toy' (one file, toy.csv) with the given downloads for the duration of a test."""

    def register_toy(*downloads: Download, published: bytes | None = CONTENT) -> Dataset:
        file = DataFile("toy.csv", sha(published), len(published)) if published else DataFile("toy.csv", None, None)
        dataset = Dataset("toy", "Toy data", (file,), "https://example.org", "CC0", "Toy", downloads)
        monkeypatch.setitem(DATASETS, "toy", dataset)
        return dataset

    return register_toy


@pytest.fixture
def cache(tmp_path):
    return Locator((tmp_path / "nowhere",), tmp_path / "cache")


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- checksum records --------------------------------------------------------------------------------------

def test_an_archive_carrying_a_forged_checksum_record_is_refused(cache, publisher, register):
    """The zip holds a tampered toy.csv and records claiming the tampered bytes are right, wherever the data
    layer ever kept or keeps its record; the published checksum still decides."""
    forged = json.dumps({"toy.csv": sha(TAMPERED)}).encode()
    url = publisher.serve("/toy.zip", whole(zipped({
        "toy.csv": TAMPERED, ".derived-sha256.json": forged, ".records/toy.sha256.json": forged,
        "../.records/toy.sha256.json": forged,
    })))
    register(Download(url, unpack="data.unpack:zip"))
    with pytest.raises(ChecksumMismatch, match="toy.csv does not match its checksum"):
        dataset_dir("toy", cache)
    assert not (cache.download_root / "toy").exists()
    assert not cache.record(DATASETS["toy"]).exists()


def test_a_converted_download_is_checked_against_the_record_kept_beside_it(cache, publisher, register):
    """A conversion's checksums are recorded outside the data set's folder: a file changed after a good
    download is refused on the next check, even with a forged record put in the folder beside it."""
    archive = zipped({"toy.csv": CONTENT})
    url = publisher.serve("/toy.zip", whole(archive))
    register(Download(url, unpack="data.unpack:zip", sha256=sha(archive), derived=True), published=None)
    folder = dataset_dir("toy", cache)
    assert json.loads(cache.record(DATASETS["toy"]).read_text()) == {"toy.csv": sha(CONTENT)}
    assert sorted(p.name for p in folder.iterdir()) == ["toy.csv"]

    (folder / "toy.csv").write_bytes(TAMPERED + b"more")
    (folder / ".derived-sha256.json").write_text(json.dumps({"toy.csv": sha(TAMPERED + b"more")}))
    with pytest.raises(ChecksumMismatch, match="toy.csv does not match its checksum"):
        dataset_dir("toy", cache)
    assert publisher.requests["/toy.zip"] == 1


def test_a_converted_download_without_its_record_is_downloaded_again(cache, publisher, register):
    """Files of a conversion with no record (a crash before it was written, or an older ML Atlas) are never
    used unchecked: the download is made again."""
    archive = zipped({"toy.csv": CONTENT})
    url = publisher.serve("/toy.zip", whole(archive))
    register(Download(url, unpack="data.unpack:zip", sha256=sha(archive), derived=True), published=None)
    folder = dataset_dir("toy", cache)
    cache.record(DATASETS["toy"]).unlink()
    (folder / "toy.csv").write_bytes(TAMPERED)
    assert dataset_dir("toy", cache) == folder
    assert (folder / "toy.csv").read_bytes() == CONTENT
    assert publisher.requests["/toy.zip"] == 2


# --- download sizes ----------------------------------------------------------------------------------------

def test_a_download_announcing_more_than_the_published_size_is_not_read(cache, publisher, register):
    url = publisher.serve("/toy.csv", whole(CONTENT * 400))
    register(Download(url, target="toy.csv", sha256=sha(CONTENT)))
    seen = []
    with pytest.raises(DatasetMissing) as error:
        dataset_dir("toy", cache, progress=lambda done, total, what: seen.append(done))
    assert f"announces {len(CONTENT) * 400:,} bytes; the limit is {len(CONTENT)} bytes (the published file's size)" \
        in str(error.value)
    assert seen == []  # refused before the body was read


def test_a_download_without_a_length_is_stopped_at_the_limit(cache, publisher, register, monkeypatch):
    monkeypatch.setattr(locate, "DOWNLOAD_LIMIT", 1 << 20)
    url = publisher.serve("/toy.csv", without_length(b"0" * (3 << 20)))
    register(Download(url, target="toy.csv"))
    seen = []
    with pytest.raises(DatasetMissing) as error:
        dataset_dir("toy", cache, progress=lambda done, total, what: seen.append(done))
    assert "sent more than 1,048,576 bytes; the limit is 1,048,576 bytes (twice the largest download" \
        in str(error.value)
    assert max(seen) <= 1 << 20
    assert [p.name for p in cache.download_root.iterdir()] == [".toy.lock"]


def test_a_response_cut_short_is_refused(cache, publisher, register):
    url = publisher.serve("/toy.csv", announcing(1000, CONTENT))
    register(Download(url, target="toy.csv"))
    with pytest.raises(DatasetMissing, match=f"ended after {len(CONTENT)} of the 1,000 bytes it announced"):
        dataset_dir("toy", cache)


# --- archive sizes -----------------------------------------------------------------------------------------

def test_a_zip_with_too_many_members_is_not_unpacked(cache, publisher, register, monkeypatch):
    monkeypatch.setattr(unpack, "ARCHIVE_MEMBER_LIMIT", 10)
    url = publisher.serve("/toy.zip", whole(zipped({"toy.csv": CONTENT, **{f"empty/{i}": b"" for i in range(10)}})))
    register(Download(url, unpack="data.unpack:zip"))
    with pytest.raises(DatasetMissing, match=f"the archive {url} has more than 10 members; the limit is 10"):
        dataset_dir("toy", cache)


def test_a_zip_declaring_too_many_unpacked_bytes_is_not_unpacked(cache, publisher, register, monkeypatch):
    monkeypatch.setattr(unpack, "ARCHIVE_UNPACKED_LIMIT", 1 << 20)
    archive = zipped({"toy.csv": CONTENT, "padding.bin": b"\0" * (2 << 20)}, zipfile.ZIP_DEFLATED)
    assert len(archive) < 10_000  # a small download that unpacks big: a bomb in miniature
    url = publisher.serve("/toy.zip", whole(archive))
    register(Download(url, unpack="data.unpack:zip"))
    with pytest.raises(DatasetMissing, match=f"declares {len(CONTENT) + (2 << 20):,} bytes of unpacked files"):
        dataset_dir("toy", cache)


def test_a_zip_member_holding_more_than_it_declares_is_refused(cache, publisher, register):
    """Headers that lie: zipfile never reads past a member's declared size and then fails on its CRC."""
    archive = bytearray(zipped({"toy.csv": CONTENT + b"\0" * (1 << 20)}, zipfile.ZIP_DEFLATED))
    struct.pack_into("<I", archive, 22, len(CONTENT))  # local header: uncompressed size
    struct.pack_into("<I", archive, archive.rfind(b"PK\x01\x02") + 24, len(CONTENT))  # central directory
    url = publisher.serve("/toy.zip", whole(bytes(archive)))
    register(Download(url, unpack="data.unpack:zip"))
    with pytest.raises(DatasetMissing, match="BadZipFile: Bad CRC-32"):
        dataset_dir("toy", cache)


def tar_gz(members: list[tarfile.TarInfo | tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member, io.BytesIO(b"\0" * member.size))
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
    return buffer.getvalue()


REVIEWS = [("aclImdb/train/pos/0_9.txt", b"Lovely."), ("aclImdb/train/neg/0_2.txt", b"Dreadful."),
           ("aclImdb/test/pos/0_8.txt", b"Grand."), ("aclImdb/test/neg/0_1.txt", b"Dire.")]


@pytest.fixture
def imdb_from(publisher, monkeypatch):
    """Point IMDB's registry entry at a tar.gz served on 127.0.0.1; return the URL."""

    def serve(archive: bytes | Respond) -> str:
        url = publisher.serve("/aclImdb_v1.tar.gz", archive if callable(archive) else whole(archive))
        real = DATASETS["imdb"]
        monkeypatch.setitem(DATASETS, "imdb", replace(real, downloads=(replace(real.downloads[0], url=url),)))
        return url

    return serve


def test_the_imdb_converter_reads_a_served_archive(cache, imdb_from):
    imdb_from(tar_gz(REVIEWS))
    assert sorted(load_imdb("test", cache).text) == ["Dire.", "Grand."]


def test_a_tar_with_too_many_members_is_not_unpacked(cache, imdb_from, monkeypatch):
    monkeypatch.setattr(unpack, "ARCHIVE_MEMBER_LIMIT", 10)
    url = imdb_from(tar_gz(REVIEWS + [(f"aclImdb/train/unsup/{i}_0.txt", b"x") for i in range(7)]))
    with pytest.raises(DatasetMissing, match=f"the archive {url} has more than 10 members"):
        dataset_dir("imdb", cache)


def test_a_tar_declaring_too_many_unpacked_bytes_is_refused_before_reading_them(cache, imdb_from, monkeypatch):
    monkeypatch.setattr(unpack, "ARCHIVE_UNPACKED_LIMIT", 1 << 20)
    padding = tarfile.TarInfo("aclImdb/train/unsupBow.feat")
    padding.size = 2 << 20
    imdb_from(tar_gz([padding, *REVIEWS]))
    with pytest.raises(DatasetMissing, match=f"declares {2 << 20:,} bytes of unpacked files"):
        dataset_dir("imdb", cache)


def test_a_tar_hiding_bytes_outside_its_members_sizes_is_refused(cache, imdb_from, monkeypatch):
    """A pax header is no member and declares no size, yet tarfile reads it whole: the bytes themselves count."""
    monkeypatch.setattr(unpack, "ARCHIVE_UNPACKED_LIMIT", 1 << 20)
    review = tarfile.TarInfo(REVIEWS[0][0])
    review.pax_headers = {"comment": "x" * (2 << 20)}
    imdb_from(tar_gz([review, *REVIEWS[1:]]))
    with pytest.raises(DatasetMissing, match=f"unpacks to more than {1 << 20:,} bytes"):
        dataset_dir("imdb", cache)


# --- every failure of a download is a message, and logged --------------------------------------------------

def damaged_deflate() -> bytes:
    archive = bytearray(zipped({"toy.csv": CONTENT * 50}, zipfile.ZIP_DEFLATED))
    archive[30 + len("toy.csv")] = 0xFF  # the first deflate block, right after the local header: type 3, invalid
    return bytes(archive)


MOBILITY_HEADER = (b"country_region_code,country_region,sub_region_1,sub_region_2,metro_area,iso_3166_2_code,"
                   b"census_fips_code,place_id,date,retail_and_recreation_percent_change_from_baseline,"
                   b"grocery_and_pharmacy_percent_change_from_baseline,parks_percent_change_from_baseline,"
                   b"transit_stations_percent_change_from_baseline,workplaces_percent_change_from_baseline,"
                   b"residential_percent_change_from_baseline")


FAILURES = {
    "chunked response cut short": ("data.unpack:copy", chunked_cut_short(CONTENT), "IncompleteRead"),
    "truncated zip": ("data.unpack:zip", whole(zipped({"toy.csv": CONTENT})[:40]), "BadZipFile"),
    "damaged deflate stream": ("data.unpack:zip", whole(damaged_deflate()), "error: Error -3 while decompressing"),
    "truncated tar.gz": ("data.imdb:unpack_archive", whole(tar_gz(REVIEWS)[:-40]), "Error"),
    "garbage gzip": ("data.imdb:unpack_archive", whole(b"\x1f\x8b not gzip at all"), "BadGzipFile"),
    "review not in UTF-8": ("data.imdb:unpack_archive", whole(tar_gz([(REVIEWS[0][0], b"caf\xe9"), *REVIEWS[1:]])),
                            "UnicodeDecodeError"),
    "OxCGRT file not in UTF-8": ("data.covid:unpack_oxcgrt_national", whole(b"CountryCode,Jurisdiction\n\xff\xfe,x\n"),
                                 "UnicodeDecodeError"),
    "mobility CSV that does not parse": ("data.covid:unpack_google_mobility_national",
                                         whole(MOBILITY_HEADER + b"\nSE,\"unclosed\n"), "ParserError"),
    "mobility CSV without the report's columns": ("data.covid:unpack_google_mobility_national",
                                                  whole(b"country_region_code,date\nSE,2020-02-15\n"),
                                                  "is not Google's mobility report: it has no country_region, "),
    "OxCGRT file without its Jurisdiction column": ("data.covid:unpack_oxcgrt_national",
                                                    whole(b"CountryCode,CountryName\nSWE,Sweden\n"),
                                                    "is not an OxCGRT time series: its header has no Jurisdiction"),
    "empty OxCGRT file": ("data.covid:unpack_oxcgrt_national", whole(b""), "has no Jurisdiction column"),
    "IMDB archive lacking a review": ("data.imdb:unpack_archive", whole(tar_gz(REVIEWS[:1] + REVIEWS[2:])),
                                      "is not the whole data set: it lacks train/neg/0_*.txt."),
    "IMDB archive without reviews": ("data.imdb:unpack_archive", whole(tar_gz([("aclImdb/README", b"hi")])),
                                     "is not the whole data set: it lacks every train review."),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failed_download_is_a_missing_data_set_with_the_reason_logged(case, cache, publisher, register, caplog):
    unpacker, respond, reason = FAILURES[case]
    url = publisher.serve("/served", respond)
    register(Download(url, unpack=unpacker, target="toy.csv", derived=unpacker != "data.unpack:copy"))
    with caplog.at_level(logging.WARNING, logger="data.locate"), pytest.raises(DatasetMissing) as error:
        dataset_dir("toy", cache)
    message = str(error.value)
    assert "The automatic download failed" in message and url in message and reason in message
    logged = [r for r in caplog.records if r.name == "data.locate" and r.exc_info]
    assert logged and "toy" in logged[0].getMessage()
    assert [p.name for p in cache.download_root.iterdir()] == [".toy.lock"]


# --- two sessions, one download ----------------------------------------------------------------------------

def test_two_sessions_downloading_one_data_set_share_one_download(cache, publisher, register):
    """The publisher holds the first response until a second request comes (or 5 s pass): behind the lock
    the second session never asks, waits, and finds the first one's download in place."""
    second_request = threading.Event()

    def respond(handler):
        if publisher.requests["/toy.csv"] > 1:
            second_request.set()
        else:
            second_request.wait(timeout=5)
        whole(CONTENT)(handler)

    url = publisher.serve("/toy.csv", respond)
    register(Download(url, target="toy.csv", sha256=sha(CONTENT)))
    results, errors = [], []

    def session():
        try:
            results.append(dataset_dir("toy", cache))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    first = threading.Thread(target=session)
    first.start()
    while not publisher.requests["/toy.csv"] and first.is_alive():
        first.join(timeout=0.01)
    second = threading.Thread(target=session)
    second.start()
    first.join()
    second.join()
    assert errors == []
    assert results == [cache.download_root / "toy"] * 2
    assert publisher.requests["/toy.csv"] == 1


def test_a_session_waiting_too_long_for_another_download_is_told_so(cache, publisher, register, monkeypatch):
    monkeypatch.setattr(locate, "DOWNLOAD_LOCK_WAIT", 0.5)
    url = publisher.serve("/toy.csv", whole(CONTENT))
    register(Download(url, target="toy.csv", sha256=sha(CONTENT)))
    with locate.download_lock(cache.download_root, "toy"):  # another session's download, still running
        with pytest.raises(DatasetMissing, match="another session has been downloading 'toy'"):
            dataset_dir("toy", cache)
    assert publisher.requests["/toy.csv"] == 0
    assert dataset_dir("toy", cache) == cache.download_root / "toy"


def test_a_crashed_downloads_staging_folder_is_cleaned_before_the_next(cache, publisher, register):
    root = cache.download_root
    crashed, other = root / ".toy-k3x9q2_a", root / ".toy-more-k3x9q2_a"  # toy's, and data set toy-more's
    for folder in (crashed, other):
        (folder / "files").mkdir(parents=True)
        (folder / "fetched").write_bytes(b"half a download")
    register(Download(publisher.serve("/toy.csv", whole(CONTENT)), target="toy.csv", sha256=sha(CONTENT)))
    dataset_dir("toy", cache)
    assert not crashed.exists()
    assert other.exists()
