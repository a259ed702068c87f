"""The text corpora, the evaluation sets and uploaded .txt corpora (real data from ../shared/datasets)."""
import pytest

from data.text import (CORPORA, DOWNLOADED_CORPORA, MIX_REVIEWS, SIMILARITY_SETS, corpus_checksum, load_analogies, load_corpus, load_similarity,
                       read_uploaded_corpus)
from core.errors import InputError


def test_named_corpora_have_their_documented_sizes():
    ptb = load_corpus("ptb")
    assert len(ptb) == 42068 + 3370 + 3761  # one document per sentence line
    assert sum(len(line.split()) for line in ptb) == 1_036_580
    brown = load_corpus("brown")
    assert len(brown) == 57_340 and sum(len(s.split()) for s in brown) == 1_161_192
    wiki = load_corpus("wikitext-2")
    assert wiki[0].strip() == "= Homarus gammarus =" and sum(len(x.split()) for x in wiki) == 455_097
    gutenberg = load_corpus("gutenberg")
    # Hard-wrapped paragraphs are joined, so no token is lost and no document holds a line break.
    assert sum(len(p.split()) for p in gutenberg) == 1_907_314 and not any("\n" in p for p in gutenberg)


def test_imdb_and_the_mix_include_every_review():
    imdb = load_corpus("imdb")
    assert len(imdb) == 50_000 and "<br />" in " ".join(imdb[:200])
    mix = load_corpus("english-mix")
    others = sum(len(load_corpus(name)) for name in CORPORA if name not in ("english-mix", "imdb", *DOWNLOADED_CORPORA))
    assert len(mix) == others + MIX_REVIEWS and mix[-MIX_REVIEWS:] == imdb[:MIX_REVIEWS]
    assert corpus_checksum("english-mix") != corpus_checksum("ptb")


def test_unknown_corpus_is_an_input_error():
    with pytest.raises(InputError, match="Unknown corpus"):
        load_corpus("klingon")


def test_analogy_questions_and_similarity_sets():
    questions = load_analogies()
    assert len(questions) == 19_544 and questions.section.nunique() == 14
    assert questions.section.value_counts()["capital-world"] == 4_524
    assert tuple(questions.iloc[0][["a", "b", "c", "d"]]) == ("athens", "greece", "baghdad", "iraq")
    sizes = {name: len(load_similarity(name)) for name in SIMILARITY_SETS}
    assert sizes == {"WordSim-353": 353, "SimLex-999": 999, "MEN": 3000}
    assert load_similarity("MEN").score.max() == 50.0


def test_uploaded_corpus_lines_with_any_encoding():
    assert read_uploaded_corpus(b"The cat sat.\r\n\r\nThe dog ran.\n") == ["The cat sat.", "The dog ran."]
    assert read_uploaded_corpus("café au lait\n".encode("latin-1")) == ["café au lait"]
    assert read_uploaded_corpus("\ufeffnaïve text".encode("utf-8")) == ["naïve text"]


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"  \n\n", "empty"), (b"\x00\x01\x02abc", "binary"),
                                              (b"word " * 300, "limit")])
def test_bad_uploads_say_what_is_wrong(content, message):
    with pytest.raises(InputError, match=message):
        read_uploaded_corpus(content, "mine.txt", limit=1000)
