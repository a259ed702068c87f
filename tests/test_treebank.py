"""The treebank reader: CoNLL-U parsing, the three splits through the data layer, the download's unpacking."""
import gzip

import pytest

from data.registry import DATASETS
from data.treebank import DATASET, UPOS_TAGS, gzip_conllu, load_treebank, parse_conllu
from data.unpack import UnusableDownload

SAMPLE = """# newdoc id = x
# sent_id = 1
# text = I don't know.
1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_
2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_
4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_
4.1\tknow\tknow\tVERB\tVB\t_\t_\t_\t_\t_
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

# sent_id = 2
1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_
"""


def test_words_and_tags_without_multiword_tokens_or_empty_nodes():
    first, second = parse_conllu(SAMPLE.splitlines(keepends=True))
    assert first.words == ("I", "do", "n't", "know", ".")
    assert first.tags == ("PRON", "AUX", "PART", "VERB", "PUNCT")
    assert second.words == ("Hi",) and second.tags == ("INTJ",)


def test_a_line_that_is_not_conllu_is_refused():
    with pytest.raises(ValueError, match="line 1 has 2"):
        parse_conllu(["1\tword\n"])


@pytest.mark.parametrize("split, sentences, words", [("train", 12_544, 204_577), ("dev", 2_001, 25_147),
                                                     ("test", 2_077, 25_094)])
def test_the_splits_have_the_released_sizes(split, sentences, words):
    loaded = load_treebank(split)
    assert len(loaded) == sentences
    assert sum(len(s.words) for s in loaded) == words
    assert {t for s in loaded for t in s.tags} == set(UPOS_TAGS)


def test_the_download_is_the_pinned_release_gzipped_into_the_mirror_names(tmp_path):
    dataset = DATASETS[DATASET]
    assert {d.target for d in dataset.downloads} == {f.path for f in dataset.files}
    assert all("4c89b5833a70aa5ed3a00bad2f23f57992cc7df8" in d.url and d.derived and d.sha256 for d in dataset.downloads)
    download = dataset.downloads[0]
    fetched = tmp_path / "fetched"
    fetched.write_text(SAMPLE)
    staging = tmp_path / "files"
    staging.mkdir()
    gzip_conllu(fetched, staging, download)
    written = (staging / download.target).read_bytes()
    assert gzip.decompress(written).decode() == SAMPLE
    gzip_conllu(fetched, staging, download)
    assert (staging / download.target).read_bytes() == written, "the same bytes every time (no time stored)"


def test_a_download_that_is_not_conllu_is_refused(tmp_path):
    fetched = tmp_path / "fetched"
    fetched.write_text("<html>rate limited</html>")
    with pytest.raises(UnusableDownload, match="CoNLL-U"):
        gzip_conllu(fetched, tmp_path, DATASETS[DATASET].downloads[0])
