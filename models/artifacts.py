"""Every pre-trainable artifact of ML Atlas, from the families' declarations (light: no heavy import).

``python -m models`` trains these, and the home page shows whether each is trained.
A family adds its artifacts here once.
"""
from core.artifacts import Artifact
from models.digits.artifacts import DIGITS_CNN, DIGITS_EMBEDDING
from models.hmm.artifacts import BAUM_WELCH, HMM_TAGGERS
from models.recommender.artifacts import DEFAULT_COMPARISON
from models.sentiment.artifacts import SENTIMENT_MODELS
from models.word2vec.artifacts import WORD2VEC_MODELS, WORD_MAPS

PRETRAINED: tuple[Artifact, ...] = (DIGITS_CNN, DIGITS_EMBEDDING, DEFAULT_COMPARISON, *SENTIMENT_MODELS.values(),
                                    *WORD2VEC_MODELS, *WORD_MAPS, HMM_TAGGERS, BAUM_WELCH)
BY_NAME: dict[str, Artifact] = {artifact.name: artifact for artifact in PRETRAINED}
