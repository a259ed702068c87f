"""The pages of ML Atlas: one card per page, grouped by theme.

``app.py`` builds the navigation from this list and the home page shows one
card per entry. Every card's script must exist (a test checks it), so a page
never silently disappears from the navigation and from its own tests.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.jobs import JobStatus, duration
from models.artifacts import BY_NAME

PROJECT_ROOT = Path(__file__).resolve().parent.parent

GROUPS = ("Language", "Vision", "Sequences", "Time series & economics", "Classic ML")


@dataclass(frozen=True)
class PageCard:
    script: str
    title: str
    icon: str
    group: str
    summary: str
    data: str
    models: tuple[str, ...] = ()
    """Names of the page's pre-trainable artifacts (``models/artifacts.py``; see ``python -m models list``)."""

    @property
    def url_path(self) -> str:
        return self.script.removeprefix("pages/").removesuffix(".py")

    def training_status(self, job_status: Callable[[str], JobStatus] | None = None) -> str:
        """'no training needed', 'trained', 'not trained yet' or 'k of n models trained', with the state of
        the jobs training the others (``job_status`` of a cache key) when given."""
        if not self.models:
            return "no training needed"
        done = [BY_NAME[name].is_trained() for name in self.models]
        if all(done):
            return "trained"
        status = "not trained yet" if not any(done) else f"{sum(done)} of {len(done)} models trained"
        if job_status is None:
            return status
        notes = [job_note(job_status(BY_NAME[name].key)) for name, trained in zip(self.models, done) if not trained]
        return "; ".join([status, *filter(None, notes)])


def job_note(status: JobStatus) -> str:
    """A job's state in a few words, for a card."""
    if status.state == "running":
        left = f", about {duration(status.remaining)} left" if status.remaining is not None else ""
        return f"training {status.fraction:.0%}{left}"
    if status.state == "queued":
        return f"queued ({status.position} in line)"
    return "training failed: open the page for why" if status.state == "failed" else ""


PAGES: tuple[PageCard, ...] = (
    PageCard(
        script="pages/word_embeddings_map.py",
        title="Word map (t-SNE)",
        icon=":material/scatter_plot:",
        group="Language",
        summary="word2vec (CBOW and Skip-gram) trained in TensorFlow; the most frequent words projected with "
        "t-SNE, UMAP, PCA or on axes you define, in 2-D or 3-D; click words to list their nearest neighbours.",
        data="english-mix (WikiText-2 valid+test, Penn Treebank, Gutenberg, Brown, 10,000 IMDB reviews) "
        "or your .txt corpus",
        models=("word2vec-cbow", "word2vec-skipgram", "word-map-cbow", "word-map-skipgram"),
    ),
    PageCard(
        script="pages/word_analogies.py",
        title="Similar words & analogies",
        icon=":material/compare_arrows:",
        group="Language",
        summary="Nearest words, analogies of several added and taken-away words (3CosAdd, 3CosMul), the odd one "
        "out and how similar two words are, "
        "with the models' scores on Google's analogy set and word-similarity benchmarks.",
        data="the word2vec models of the word map; Google analogies, WordSim-353, SimLex-999, MEN",
        models=("word2vec-cbow", "word2vec-skipgram"),
    ),
    PageCard(
        script="pages/digits.py",
        title="Draw a digit",
        icon=":material/draw:",
        group="Vision",
        summary="Draw a digit; a CNN trained on all of MNIST reads it live, shows what it saw, its feature maps "
        "and its mistakes.",
        data="MNIST, 60,000 training and 10,000 test digits",
        models=("digits-cnn",),
    ),
    PageCard(
        script="pages/sentiment.py",
        title="Review sentiment (LSTM)",
        icon=":material/sentiment_satisfied:",
        group="Sequences",
        summary="Type a movie review; an LSTM trained on IMDB scores it and shows which words pushed the score, "
        "next to the classic LSTM and a TF-IDF baseline.",
        data="Large Movie Review Dataset (IMDB), 25,000 + 25,000 reviews",
        models=("sentiment-classic", "sentiment-best", "sentiment-baseline"),
    ),
    PageCard(
        script="pages/rnn_internals.py",
        title="Inside a recurrent network",
        icon=":material/account_tree:",
        group="Sequences",
        summary="A simple RNN in NumPy: the forward pass, backpropagation through time, vanishing and exploding "
        "gradients, clipping, and the LSTM's gates on a real review.",
        data="generated sequences; IMDB reviews for the LSTM gates",
    ),
    PageCard(
        script="pages/pos_tagging.py",
        title="Part-of-speech tagging (HMM)",
        icon=":material/label:",
        group="Sequences",
        summary="Type a sentence; a trigram hidden Markov model trained on the English Web Treebank tags each word, "
        "with Viterbi's trellis, forward-backward posteriors, and what Baum-Welch learns with no tags at all.",
        data="Universal Dependencies English Web Treebank v2.16, 16,622 sentences",
        models=("hmm-tagger", "hmm-baum-welch"),
    ),
    PageCard(
        script="pages/forecasting.py",
        title="Forecasting (Prophet)",
        icon=":material/timeline:",
        group="Time series & economics",
        summary="Forecast a series with Prophet, read its trend and seasonalities, and check it honestly against "
        "seasonal-naive and Holt-Winters baselines; bring your own CSV.",
        data="Prophet's example series (Peyton Manning page views, air passengers, ...) or your CSV",
    ),
    PageCard(
        script="pages/price_elasticity.py",
        title="Price elasticity",
        icon=":material/trending_down:",
        group="Time series & economics",
        summary="How much does demand fall when price rises? A log-log regression gives the price elasticity "
        "of demand, its uncertainty and what it means for revenue; bring your own data for per-segment PEDs.",
        data="USDA Red Meats Yearbook: beef price and consumption, 1977-1999 (or your CSV)",
    ),
    PageCard(
        script="pages/covid_mobility.py",
        title="COVID-19 lockdowns & mobility",
        icon=":material/coronavirus:",
        group="Time series & economics",
        summary="How severe were lockdowns (OxCGRT) and how did people's movements follow (Google mobility)? "
        "Compare countries, measure the lagged relation, rank all countries.",
        data="Oxford COVID-19 Government Response Tracker; Google Community Mobility Reports",
    ),
    PageCard(
        script="pages/ensembles.py",
        title="Ensembles on wine quality",
        icon=":material/forest:",
        group="Classic ML",
        summary="Bagging (a random forest tuned by randomized search with k-fold CV), boosting and stacking "
        "compared honestly on held-out wines; predict one wine's quality class.",
        data="UCI Wine Quality, red and white",
    ),
    PageCard(
        script="pages/recommender.py",
        title="Movie recommendations",
        icon=":material/movie:",
        group="Classic ML",
        summary="SVD and k-NN collaborative filtering with scikit-surprise: cross-validated, tuned, ranked by "
        "precision@k, with explained recommendations for any user or for you.",
        data="MovieLens ml-latest-small and ml-100k",
        models=("recommender-comparison",),
    ),
    PageCard(
        script="pages/attribution.py",
        title="Markov attribution",
        icon=":material/route:",
        group="Classic ML",
        summary="Markov chains of order 1-3 over customer journeys: conversion probability, removal-effect "
        "attribution next to first/last/linear touch, and next-step prediction.",
        data="ChannelAttribution's PathData, 10,000 journeys (or your CSV)",
    ),
)
