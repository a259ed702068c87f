"""The HMM family's trained artifacts: the supervised taggers with their test report, and the Baum-Welch run
(light: configurations, cache keys and declarations only)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from core.artifacts import Artifact
from core.cache import ArtifactSpec
from core.settings import quick_mode
from data.locate import dataset_checksum
from data.treebank import DATASET


@dataclass(frozen=True)
class TaggerConfig:
    """What shapes the supervised taggers (part of their cache key); ``None``: every sentence of the split."""

    train_sentences: int | None = None
    test_sentences: int | None = None
    max_suffix_length: int = 4
    max_word_frequency: int = 5
    min_state_count: int = 50
    lexical_words: int = 30
    """The best of ``bench/hmm.py``'s grid on the dev split: ``UPOS|XPOS`` states (those seen fewer than
    ``min_state_count`` times merged into their UPOS tag), the ``lexical_words`` most frequent ambiguous words
    with states of their own."""

    @classmethod
    def default(cls) -> "TaggerConfig":
        return cls(train_sentences=2_000, test_sentences=300) if quick_mode() else cls()


@dataclass(frozen=True)
class BaumWelchConfig:
    """The unsupervised run: states, iterations, words seen fewer than ``min_count`` times pooled as one."""

    states: int = 17
    iterations: int = 50
    min_count: int = 2
    sentences: int | None = None
    seed: int = 0

    @classmethod
    def default(cls) -> "BaumWelchConfig":
        return cls(iterations=3, sentences=1_000) if quick_mode() else cls()


def tagger_spec(config: TaggerConfig | None = None) -> ArtifactSpec:
    return ArtifactSpec("hmm-tagger", asdict(config or TaggerConfig.default()), dataset_checksum(DATASET))


def baum_welch_spec(config: BaumWelchConfig | None = None) -> ArtifactSpec:
    return ArtifactSpec("hmm-baum-welch", asdict(config or BaumWelchConfig.default()), dataset_checksum(DATASET))


HMM_TAGGERS = Artifact(
    name="hmm-tagger",
    description="Bigram and trigram HMM part-of-speech taggers on the UD English Web Treebank, scored on its "
                "test split (about 15 s on 2 CPU cores)",
    spec=tagger_spec,
    build="models.hmm.training:load_taggers",
    data=(DATASET,),
    estimate=11.0,
)
BAUM_WELCH = Artifact(
    name="hmm-baum-welch",
    description="Baum-Welch on the treebank's training words, no tags (about 20 s)",
    spec=baum_welch_spec,
    build="models.hmm.training:load_baum_welch",
    data=(DATASET,),
    estimate=20.0,
)
