"""The one registry of the data sets ML Atlas uses.

Each entry says which files make up the data set (with their sha256, so a
wrong or truncated file is never used), where the publisher serves them, and
how the data must be credited. Loaders live in one module per data set
(``data/beef.py``, ...) and call :func:`data.locate.dataset_dir` to find the files.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DataFile:
    """One file of a data set, as a path relative to the data set's folder.

    ``sha256`` and ``size`` are ``None`` when the publisher gives a checksum for
    its archive only: the file is then checked against the checksum recorded
    when the verified archive was unpacked.
    """

    path: str
    sha256: str | None
    size: int | None


@dataclass(frozen=True)
class Download:
    """Where the publisher serves a data set.

    ``url`` is fetched into a temporary file; ``unpack`` names the function
    (``"module:function"``, ``unpack(fetched, staging, download)``) that turns
    the fetched file into the data set's files: ``data.unpack:copy`` when the URL
    serves exactly one of the files, ``data.unpack:zip`` for a zip archive. ``target`` is the
    file a plain copy becomes. ``sha256`` of the fetched bytes, when the
    publisher's bytes are known, is checked before unpacking; the unpacked files
    are checked against :attr:`Dataset.files`, unless ``derived``: a conversion
    (say, a tar of text files into one CSV) whose bytes differ from the mirror's,
    or files whose own checksums are not published; those are checked against
    the checksums recorded when they were unpacked.
    """

    url: str
    unpack: str = "data.unpack:copy"
    target: str | None = None
    sha256: str | None = None
    derived: bool = False


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    files: tuple[DataFile, ...]
    homepage: str
    license: str
    attribution: str
    downloads: tuple[Download, ...] = field(default_factory=tuple)
    in_mirror: bool = True
    """Whether the shared mirror (``../shared/datasets``) carries it; if not, it is downloaded on first use."""
    mirror_folder: str = ""
    """Its folder in the shared mirror or ``$ML_ATLAS_DATA_DIR``, when not named by ``key``."""


def _files(*rows: tuple[str, str, int]) -> tuple[DataFile, ...]:
    return tuple(DataFile(path, sha, size) for path, sha, size in rows)


def _copies(base_url: str, files: tuple[DataFile, ...]) -> tuple[Download, ...]:
    """Downloads for a publisher that serves every file as-is under one base URL."""
    return tuple(Download(f"{base_url}/{f.path.rsplit('/', 1)[-1]}", target=f.path, sha256=f.sha256) for f in files)


_GENSIM_TEST_DATA = "https://raw.githubusercontent.com/piskvorky/gensim/4.4.0/gensim/test/test_data"
_EVAL_WORD_VECTORS = ("https://raw.githubusercontent.com/mfaruqui/eval-word-vectors/"
                      "94b3dd9fdbac7ed08dbee7179cd5ee464acf0594/data/word-sim")


def _evaluation_set(key: str, title: str, file: tuple[str, str, int], base_url: str, homepage: str, license: str,
                    attribution: str) -> Dataset:
    """A word-vector evaluation set: one file, kept in the mirror's ``text/eval/`` folder, served as-is by ``base_url``."""
    files = _files(file)
    return Dataset(key=key, title=title, files=files, homepage=homepage, license=license, attribution=attribution,
                   downloads=_copies(base_url, files), mirror_folder="text")


_BEEF = _files(("beef.csv", "80deb887f106dabfe7805e015f0a4516e919468718c454b7a3ec365c731d8094", 2180))

_MNIST = _files(
    ("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
    ("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
    ("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
    ("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
)

_WIKITEXT_HOME = "https://blog.salesforceresearch.com/the-wikitext-long-term-dependency-language-modeling-dataset/"
_WIKITEXT_CREDIT = ("Stephen Merity, Caiming Xiong, James Bradbury and Richard Socher (2016), "
                    "Pointer Sentinel Mixture Models (WikiText).")


def _wikitext(key: str, archive_sha256: str) -> Dataset:
    """A complete WikiText (v1, tokenized), downloaded from the publisher; not in the shared mirror.

    The publisher gives the archive's sha256 only; the three splits' checksums are recorded when the
    verified archive is unpacked.
    """
    return Dataset(
        key=key,
        title=f"{key.replace('wikitext', 'WikiText')} (v1, tokenized): train, validation and test articles",
        files=tuple(DataFile(f"{key}/wiki.{split}.tokens", None, None) for split in ("train", "valid", "test")),
        homepage=_WIKITEXT_HOME,
        license="Creative Commons Attribution-ShareAlike 3.0 (text from Wikipedia).",
        attribution=_WIKITEXT_CREDIT,
        downloads=(Download(f"https://wikitext.smerity.com/{key}-v1.zip", unpack="data.unpack:zip",
                            sha256=archive_sha256, derived=True),),
        in_mirror=False,
    )


_IMDB = _files(
    ("imdb_train.csv.gz", "5fe1edbec58d4e8d09386a1cc6abc38cded2b6fe3bd75059e8452092310419fe", 12880213),
    ("imdb_test.csv.gz", "0865d8befcfebf19596304bb8427b020afac4f61e87039d3bfa403021aa53d15", 12569129),
)

_COVID = _files(
    ("oxcgrt_containment_health_index.csv", "6a7f955ef60123a31b7512aa6a17baf64f3d8aa681dbb511503d9d2bca47ef0b", 1166797),
    ("oxcgrt_stringency_index.csv", "90f63ea654c6a7a1a574389c31d5e7b60575ac37152947ac5d59c224b7e20607", 1164703),
    ("oxcgrt_government_response_index.csv", "dd2cf3eb2b8820b33a3e4832234c943a88adf75ffc7c914a655293ffddd96fba", 1166843),
    ("google_mobility_national.csv", "36039a780f140a973237fcc720d92cb997e8fc66f2ebe2b906ee20abebb3d469", 2587974),
)

_PROPHET = _files(
    ("example_wp_log_peyton_manning.csv", "6b1383a6f458e317c5da0488abaf2cadccd7e80c84c7a543d084e1159d5bfa56", 86845),
    ("example_wp_log_R.csv", "6be7cee8ce25f97e7bdf30444847e8fd36335c25611195b0bdc20f57ab06944e", 85609),
    ("example_air_passengers.csv", "062d172e9b4f694dd798f4a3d41316a930c8c6bfd244bd6082193f6d6653a213", 2165),
    ("example_retail_sales.csv", "6556f0683b78362c4bc4390b8feb66870beecd7189cc052e650ccac9b21cd65c", 5279),
    ("example_yosemite_temps.csv", "c0ec9f2cb4bbf0bc53f7bfd2e39f88ae21e43b7b8912b2d1eb8185055f9510e2", 462069),
    ("example_pedestrians_covid.csv", "e8971ec69aba730809d185ea2e0a24a56281f1a67b3a74ead01f0463c939ba20", 25136),
)

_WINE = _files(
    ("winequality-red.csv", "4a402cf041b025d4566d954c3b9ba8635a3a8a01e039005d97d6a710278cf05e", 84199),
    ("winequality-white.csv", "76c3f809815c17c07212622f776311faeb31e87610d52c26d87d6e361b169836", 264426),
)

_ML_SMALL = _files(
    ("ml-latest-small/movies.csv", "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07", 494431),
    ("ml-latest-small/ratings.csv", "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646", 2483723),
)

_ML_100K = _files(
    ("ml-100k/u.data", "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490", 1979173),
    ("ml-100k/u.item", "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701", 236344),
    ("ml-100k/u.genre", "9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb", 202),
)

_UD_EWT_RELEASE = ("https://raw.githubusercontent.com/UniversalDependencies/UD_English-EWT/"
                   "4c89b5833a70aa5ed3a00bad2f23f57992cc7df8")  # tag r2.16
_UD_EWT = _files(
    ("en_ewt-ud-train.conllu.gz", "bd47e08c9e18ec12d319e84df2ccdb272ff6de1d0dba5761117d3caf8b358f7b", 2605912),
    ("en_ewt-ud-dev.conllu.gz", "41086e3afc9ae572f899c9123f874d6d04a52e374a3d2ac7a6667ce48e3bf3e3", 333837),
    ("en_ewt-ud-test.conllu.gz", "29c151eee8846d3f3ef7806c126ecac9932af2317c008c6d6b076c5e14950dbe", 330912),
)
_UD_EWT_CONLLU_SHA256 = {  # the released (uncompressed) files, which the publisher serves
    "train": "3fb78e2b55482c8ee00caa653af436c88c9e5bc9a73ce26e4ae3ddc79d2b7e7b",
    "dev": "531a54ff90d6ab12201c5a50c3e78e6ddac4de69abc4bce5d275d3cd29efe2b6",
    "test": "e266e515a0a7547657ed3d90d9ba46487d6bd251f27ad4269d4e8a427c8555cd",
}

_ATTRIBUTION = _files(("Data.csv", "ebf235abf93a7fe0d1918a61ad30cfe39f4ef3fe2ed73784ced25b9120c3138d", 507116))

_TEXT = _files(
    ("wikitext-2/wiki.valid.tokens.gz", "3ac34ae2b6509075d52302c50a04a8a1970739ffe1a904f2cd374fefbea3cbf2", 373158),
    ("wikitext-2/wiki.test.tokens.gz", "a2b26b5d2619cc1f6cd34c8e116a451aed09af51479346aadfbf508ceb8b192e", 410674),
    ("ptb/ptb.train.txt.gz", "c4c6455d85f60640431f7bc738d51265ba2d55dcce10e8906322d6f9e3dcca81", 1688035),
    ("ptb/ptb.valid.txt.gz", "f2148d96d82f827399b7e5040868a4541bd2d2612ebaf5a2ff213bc07fd74eb8", 134062),
    ("ptb/ptb.test.txt.gz", "5015d206077ff3e96161868c5c280ec8a28e9ad5617ef99ee0e734aaef6130c5", 149201),
    ("brown/brown.txt.gz", "678732a5022872fcb5756ee7b7397f1376f9aa124d216340fc166df5d80ddff9", 2252019),
    ("gutenberg/austen-emma.txt.gz", "e6b9f1a6161062e51fbf37ab5130e965f2ba65bee2706b3a855f18a930bbeaec", 324047),
    ("gutenberg/austen-persuasion.txt.gz", "1637b8387078335f406db8af7a611de2e32a977db2b93e0f137cc6ba299e7232", 169822),
    ("gutenberg/austen-sense.txt.gz", "e847dda3a0faabc5feba8f8390f8e053fd78869111871f9d67b3f657b43d2297", 245430),
    ("gutenberg/bible-kjv.txt.gz", "f3383f4ed8b8e763f8a9a5bd77053de7678b6d6067ca3687d144c933a4bc1a4a", 1364317),
    ("gutenberg/blake-poems.txt.gz", "68ba42fd2f8c47bb609855a58d5265f6ad87ea31698e7137292c399eb573fd8b", 15579),
    ("gutenberg/carroll-alice.txt.gz", "6ad035e2ac241afc541639a8469a60d0aca501364084146685abc48bc42c7c73", 52612),
    ("gutenberg/chesterton-ball.txt.gz", "ac132e103ecd8e580115cf4fecaf36a651283b38dec0a3592dc617b53be72788", 177338),
    ("gutenberg/chesterton-brown.txt.gz", "cf57316bbee497a9ec5c7e5a9903bcefdc43591f62ea5f24e20542ace396e1a3", 156674),
    ("gutenberg/chesterton-thursday.txt.gz", "c9ad08c24d3cd0747b516e101e3d8b12444d0d929c3006fc3f017830b2695a35", 123861),
    ("gutenberg/melville-moby_dick.txt.gz", "342a0d2b7437748c7f1ba44c46948bdba427fde44600e629134d71559d61d7c5", 497942),
    ("gutenberg/milton-paradise.txt.gz", "73395ee6cc0f08cd968c2b26fb9e3882bdf331c71fe01a8dd135b4148bbfa031", 191796),
    ("gutenberg/shakespeare-caesar.txt.gz", "cad87d54fad1685fdc318b500e56d2b6f6090e76cb7395bcb4ed89f2f9b1918c", 44446),
    ("gutenberg/shakespeare-hamlet.txt.gz", "6fa2da7963ddb05fdfd9c0b044706790dbcd02e0f87c913b0e5d7fe44496ab07", 66651),
    ("gutenberg/shakespeare-macbeth.txt.gz", "b4c01e188cff51377f3ec42d1321a47022ecdb97bcdad79f75b289d9a37a3287", 41780),
    ("gutenberg/whitman-leaves.txt.gz", "edde3c34e305632e9924ed42840ea1cc5a72f15dfb27f74acd40815024a58087", 283977),
)

DATASETS: dict[str, Dataset] = {
    d.key: d
    for d in (
        Dataset(
            key="beef",
            title="USDA Red Meats Yearbook: beef price and quantity, quarterly 1977-1999",
            files=_BEEF,
            homepage="https://www.ers.usda.gov/data-products/livestock-and-meat-domestic-data",
            license="U.S. federal government work, public domain in the United States.",
            attribution="Data: USDA Economic Research Service, Red Meats Yearbook (via susanli2016/Machine-Learning-with-Python).",
            downloads=_copies("https://raw.githubusercontent.com/susanli2016/Machine-Learning-with-Python/master", _BEEF),
        ),
        Dataset(
            key="mnist",
            title="MNIST handwritten digits (60,000 train + 10,000 test)",
            files=_MNIST,
            homepage="http://yann.lecun.com/exdb/mnist/",
            license="Creative Commons Attribution-Share Alike 3.0.",
            attribution="Data: MNIST, Yann LeCun, Corinna Cortes and Christopher J.C. Burges.",
            downloads=_copies("https://storage.googleapis.com/cvdf-datasets/mnist", _MNIST),
        ),
        Dataset(
            key="imdb",
            title="Large Movie Review Dataset (IMDB), 25,000 train + 25,000 test reviews",
            files=_IMDB,
            homepage="https://ai.stanford.edu/~amaas/data/sentiment/",
            license="No licence stated by the publisher; cite Maas et al. (2011). Reviews are IMDb users' text.",
            attribution="Data: Maas, Daly, Pham, Huang, Ng and Potts (2011), Learning Word Vectors for Sentiment Analysis, ACL.",
            downloads=(Download("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz", unpack="data.imdb:unpack_archive", derived=True),),
        ),
        Dataset(
            key="covid",
            title="OxCGRT national indices and Google Community Mobility, national level",
            files=_COVID,
            homepage="https://github.com/OxCGRT/covid-policy-dataset",
            license="OxCGRT: CC BY 4.0. Google COVID-19 Community Mobility Reports: Google's terms of service.",
            attribution=(
                "Oxford COVID-19 Government Response Tracker, Blavatnik School of Government, University of Oxford "
                "(Hale et al. 2021, CC BY 4.0). Google LLC, Google COVID-19 Community Mobility Reports, "
                "https://www.google.com/covid19/mobility/."
            ),
            downloads=(
                Download(
                    "https://raw.githubusercontent.com/OxCGRT/covid-policy-dataset/main/data/timeseries_indices/"
                    "OxCGRT_timeseries_ContainmentHealthIndex_v1.csv",
                    unpack="data.covid:unpack_oxcgrt_national",
                    derived=True,
                    target="oxcgrt_containment_health_index.csv",
                ),
                Download(
                    "https://raw.githubusercontent.com/OxCGRT/covid-policy-dataset/main/data/timeseries_indices/"
                    "OxCGRT_timeseries_StringencyIndex_v1.csv",
                    unpack="data.covid:unpack_oxcgrt_national",
                    derived=True,
                    target="oxcgrt_stringency_index.csv",
                ),
                Download(
                    "https://raw.githubusercontent.com/OxCGRT/covid-policy-dataset/main/data/timeseries_indices/"
                    "OxCGRT_timeseries_GovernmentResponseIndex_v1.csv",
                    unpack="data.covid:unpack_oxcgrt_national",
                    derived=True,
                    target="oxcgrt_government_response_index.csv",
                ),
                Download(
                    "https://www.gstatic.com/covid19/mobility/Global_Mobility_Report.csv",
                    unpack="data.covid:unpack_google_mobility_national",
                    derived=True,
                    target="google_mobility_national.csv",
                ),
            ),
        ),
        Dataset(
            key="google-mobility",
            title="Google COVID-19 Community Mobility Reports, complete: national rows of every country, 2020-02-15 "
                  "to 2022-10-15",
            files=(DataFile("google_mobility_national.csv", None, None),),
            homepage="https://www.google.com/covid19/mobility/",
            license="Google's terms of service (https://policies.google.com/terms); not an open-data licence.",
            attribution="Google LLC, Google COVID-19 Community Mobility Reports, https://www.google.com/covid19/mobility/.",
            downloads=(Download("https://www.gstatic.com/covid19/mobility/Global_Mobility_Report.csv",
                                unpack="data.covid:unpack_google_mobility_national", derived=True,
                                target="google_mobility_national.csv"),),
            in_mirror=False,
        ),
        Dataset(
            key="oxcgrt-indicators",
            title="OxCGRT policy indicators (C1-C8, H1-H3, H6-H8 with their flags), national, 2020-2022",
            files=(DataFile("oxcgrt_indicators_national.csv", None, None),),
            homepage="https://github.com/OxCGRT/covid-policy-dataset",
            license="Creative Commons Attribution 4.0 International (CC BY 4.0).",
            attribution=("Oxford COVID-19 Government Response Tracker, Blavatnik School of Government, University of "
                         "Oxford (Hale et al. 2021, CC BY 4.0)."),
            downloads=(Download("https://raw.githubusercontent.com/OxCGRT/covid-policy-dataset/main/data/"
                                "OxCGRT_compact_national_v1.csv", unpack="data.oxcgrt_indicators:unpack_compact_national",
                                derived=True, target="oxcgrt_indicators_national.csv"),),
            in_mirror=False,
        ),
        Dataset(
            key="prophet",
            title="Example time series from Prophet's repository",
            files=_PROPHET,
            homepage="https://github.com/facebook/prophet/tree/main/examples",
            license="MIT License, Copyright (c) Facebook, Inc. and its affiliates.",
            attribution="Data: example series shipped with Facebook Prophet (MIT License).",
            downloads=_copies("https://raw.githubusercontent.com/facebook/prophet/main/examples", _PROPHET),
        ),
        Dataset(
            key="wine",
            title="UCI Wine Quality, red and white vinho verde",
            files=_WINE,
            homepage="https://archive.ics.uci.edu/dataset/186/wine+quality",
            license="Creative Commons Attribution 4.0 International (CC BY 4.0).",
            attribution="Data: P. Cortez, A. Cerdeira, F. Almeida, T. Matos and J. Reis (2009), Wine Quality, UCI Machine Learning Repository.",
            downloads=_copies("https://archive.ics.uci.edu/ml/machine-learning-databases/wine-quality", _WINE),
        ),
        Dataset(
            key="movielens-small",
            mirror_folder="movielens",
            title="MovieLens ml-latest-small (100,836 ratings, 610 users, 9,742 movies)",
            files=_ML_SMALL,
            homepage="https://grouplens.org/datasets/movielens/",
            license="GroupLens usage licence: research use, no commercial use, redistribution only under the same licence; cite Harper and Konstan (2015).",
            attribution="Data: F. Maxwell Harper and Joseph A. Konstan (2015), The MovieLens Datasets: History and Context, ACM TiiS 5(4).",
            downloads=(Download("https://files.grouplens.org/datasets/movielens/ml-latest-small.zip", unpack="data.unpack:zip"),),
        ),
        Dataset(
            key="movielens-100k",
            mirror_folder="movielens",
            title="MovieLens ml-100k (100,000 ratings, 943 users, 1,682 movies)",
            files=_ML_100K,
            homepage="https://grouplens.org/datasets/movielens/",
            license="GroupLens usage licence: research use, no commercial use, no redistribution without GroupLens's permission; cite Harper and Konstan (2015).",
            attribution="Data: F. Maxwell Harper and Joseph A. Konstan (2015), The MovieLens Datasets: History and Context, ACM TiiS 5(4).",
            downloads=(Download("https://files.grouplens.org/datasets/movielens/ml-100k.zip", unpack="data.unpack:zip"),),
        ),
        Dataset(
            key="attribution",
            title="ChannelAttribution PathData: 10,000 customer journeys",
            files=_ATTRIBUTION,
            homepage="https://channelattribution.io",
            license="GNU GPL (>= 3), as part of the ChannelAttribution package.",
            attribution="Data: PathData from ChannelAttribution by Davide Altomare and David Loris (GPL-3).",
            downloads=_copies(
                "https://raw.githubusercontent.com/DavideAltomare/ChannelAttribution/master/python/src/cypack/data",
                _ATTRIBUTION,
            ),
        ),
        Dataset(
            key="ud-english-ewt",
            title="Universal Dependencies English Web Treebank v2.16: 16,622 sentences, 254,818 words with UPOS tags",
            files=_UD_EWT,
            homepage="https://github.com/UniversalDependencies/UD_English-EWT",
            license="Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0).",
            attribution=("Universal Dependencies English Web Treebank v2.16 (Silveira et al. 2014), © The Board of "
                         "Trustees of The Leland Stanford Junior University, CC BY-SA 4.0."),
            downloads=tuple(
                Download(f"{_UD_EWT_RELEASE}/en_ewt-ud-{split}.conllu", unpack="data.treebank:gzip_conllu",
                         target=f"en_ewt-ud-{split}.conllu.gz", sha256=sha256, derived=True)
                for split, sha256 in _UD_EWT_CONLLU_SHA256.items()
            ),
        ),
        _wikitext("wikitext-2", "92675f1d63015c1c8b51f1656a52d5bdbc33aafa60cc47a218a66e7ee817488c"),
        _wikitext("wikitext-103", "242ba0f20b329cfdf1ccc61e9e9e5b59becf189db7f7a81cd2a0e2fc31539590"),
        Dataset(
            key="text",
            title="English text corpora (WikiText-2 valid+test, Penn Treebank, Gutenberg, Brown)",
            files=_TEXT,
            homepage=_WIKITEXT_HOME,
            license=(
                "WikiText-2: CC BY-SA 3.0; Gutenberg selections: public domain; Brown corpus and Penn Treebank: "
                "research use (no open licence)."
            ),
            attribution=(
                "Merity et al. (2016) WikiText; Marcus et al. Penn Treebank (Mikolov's preprocessing); NLTK Project "
                "Gutenberg selections; Brown Corpus (Francis and Kucera)."
            ),
        ),
        _evaluation_set("google-analogies", "Google's word analogies (19,544 questions)",
                        ("eval/questions-words.txt", "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36", 603955),
                        _GENSIM_TEST_DATA, "https://code.google.com/archive/p/word2vec/",
                        "released with word2vec (Apache License 2.0)", "Mikolov et al. (2013) analogies."),
        _evaluation_set("wordsim-353", "WordSim-353 word-pair similarity (353 pairs)",
                        ("eval/wordsim353.tsv", "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d", 7186),
                        _GENSIM_TEST_DATA, "https://gabrilovich.com/resources/data/wordsim353/wordsim353.html",
                        "research data, free to use; cite the paper", "Finkelstein et al. (2002) WordSim-353."),
        _evaluation_set("simlex-999", "SimLex-999 word-pair similarity (999 pairs)",
                        ("eval/simlex999.txt", "d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d", 18126),
                        _GENSIM_TEST_DATA, "https://fh295.github.io/simlex.html",
                        "research data, free to use; cite the paper", "Hill et al. (2015) SimLex-999."),
        _evaluation_set("men", "MEN word-pair relatedness (3,000 pairs)",
                        ("eval/EN-MEN-TR-3k.txt", "888b13580faa362c7b11da0a670258cf1b1eb4bf0ecbcd418918729a3bd3f43a", 53593),
                        _EVAL_WORD_VECTORS, "https://staff.fnwi.uva.nl/e.bruni/MEN",
                        "research data, free to use; cite the paper", "Bruni et al. (2014) MEN."),
    )
}
