"""The word explorer's model side on hand-made vectors, each checked against a brute-force computation: neighbours
among a map's words (cosine and euclidean), custom projection axes, the UMAP wrapper, several positive and negative
words (3CosAdd, 3CosMul), the odd one out, a pair's similarity and its ranks; and what picks the words on the map."""
import itertools

import numpy as np
import pandas as pd
import pytest

from components.word_inputs import MAX_SELECTED, selected_words
from core.cache import ArtifactSpec
from core.errors import InputError
from core.jobs import FIT, TRAINING
from data.text import DEFAULT_CORPUS
from models.word2vec.artifacts import map_spec, model_spec, word_map
from models.word2vec.axes import Axis, axis_positions, on_custom_axes
from models.word2vec.config import MapSettings
from models.word2vec.corpus import UNK
from models.word2vec.neighbours import nearest_among, neighbour_table
from models.word2vec.projection import coordinates, umap_coordinates
from models.word2vec.vectors import WordVectors, ordinal, word_list

WORDS = [UNK, "king", "queen", "man", "woman", "prince", "apple", "pear", "plum", "car", "bus"]


@pytest.fixture(scope="module")
def vectors() -> WordVectors:
    """Eleven words in 6-D: royalty, people, fruit and vehicles, with lengths that differ from word to word."""
    rng = np.random.default_rng(3)
    royal, male, fruit, vehicle = np.eye(6)[:4]
    base = {"king": royal + male, "queen": royal - male, "man": male, "woman": -male, "prince": royal + 0.8 * male,
            "apple": fruit, "pear": fruit + 0.1 * vehicle, "plum": fruit - 0.1 * vehicle, "car": vehicle,
            "bus": vehicle + 0.2 * fruit}
    rows = [rng.normal(scale=0.01, size=6)] + [base[w] * (1 + i % 3) + rng.normal(scale=0.05, size=6)
                                                 for i, w in enumerate(WORDS[1:])]
    return WordVectors(WORDS, np.array(rows), np.arange(len(WORDS))[::-1] * 10)


def brute_force_neighbours(vectors: WordVectors, word: str, candidates: list[str], metric: str) -> list[str]:
    """Every candidate scored by a plain loop, nearest first (ties: the candidates' order)."""
    def score(other: str) -> float:
        a, b = vectors.vectors[vectors.index[word]], vectors.vectors[vectors.index[other]]
        if metric == "cosine":
            return -float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
        return float(np.sqrt(((a - b) ** 2).sum()))
    return sorted((c for c in candidates if c != word), key=score)


# ---------------------------------------------------------------- neighbours on the map
@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_neighbours_among_the_map_words_match_a_brute_force_ranking(vectors, metric):
    candidates = WORDS[1:]
    for word in candidates:
        table = nearest_among(vectors, word, [vectors.index[w] for w in candidates], k=4, metric=metric)
        assert table.neighbour.tolist() == brute_force_neighbours(vectors, word, candidates, metric)[:4]
    column = "cosine similarity" if metric == "cosine" else "euclidean distance"
    values = nearest_among(vectors, "king", range(len(WORDS)), k=10, metric=metric)[column]
    assert values.is_monotonic_decreasing if metric == "cosine" else values.is_monotonic_increasing


def test_euclidean_neighbours_count_the_vectors_lengths_and_cosine_neighbours_do_not():
    words = [UNK, "a", "b", "c"]
    lengths = WordVectors(words, np.array([[0, 0], [1, 0], [10, 1], [0.2, 0.3]]))
    assert nearest_among(lengths, "a", [1, 2, 3], k=1, metric="cosine").neighbour[0] == "b"  # same direction
    assert nearest_among(lengths, "a", [1, 2, 3], k=1, metric="euclidean").neighbour[0] == "c"  # close by


def test_neighbours_leave_out_the_word_itself_unk_and_words_off_the_map(vectors):
    on_map = ["king", "queen", "apple", "car", "pear"]
    table = neighbour_table(vectors, ["king", "plum"], on_map + ["not-a-word"], k=10)
    assert table.columns.tolist() == ["word", "rank", "neighbour", "cosine similarity"]
    assert table[table.word == "king"].neighbour.tolist() == brute_force_neighbours(vectors, "king", on_map, "cosine")
    plum = table[table.word == "plum"]  # plum is not on the map; its neighbours are
    assert plum.neighbour.tolist() == brute_force_neighbours(vectors, "plum", on_map, "cosine")
    assert plum["rank"].tolist() == [1, 2, 3, 4, 5]
    assert UNK not in set(nearest_among(vectors, "king", range(len(WORDS)), k=20).neighbour)
    assert neighbour_table(vectors, [], on_map).empty


def test_bad_neighbour_requests_are_input_errors(vectors):
    with pytest.raises(InputError, match="Unknown metric 'manhattan'"):
        nearest_among(vectors, "king", [2, 3], metric="manhattan")
    with pytest.raises(InputError, match="at least one neighbour"):
        nearest_among(vectors, "king", [2, 3], k=0)
    with pytest.raises(InputError, match="'kng' is not in the vocabulary.*king"):
        neighbour_table(vectors, ["kng"], ["queen"])


def test_a_selection_on_the_map_gives_its_words_once_and_at_most_a_dozen():
    points = [{"customdata": ["king"], "x": 1}, {"customdata": ["queen"]}, {"customdata": ["king"]}, {"x": 2}]
    assert selected_words(points) == ["king", "queen"]
    crowd = [{"customdata": [f"w{i}"]} for i in range(50)]
    assert selected_words(crowd) == [f"w{i}" for i in range(MAX_SELECTED)]


# ---------------------------------------------------------------- custom axes
def test_custom_axes_place_each_word_by_its_projection_on_the_axis_direction(vectors):
    gender, kind = Axis(("man",), ("woman",)), Axis(("apple", "pear"), ("car", "bus"))
    positions = axis_positions(vectors, ["king", "queen", "apple", "car"], [gender, kind])
    unit = vectors.unit
    for axis, column in ((gender, 0), (kind, 1)):
        start = unit[[vectors.index[w] for w in axis.start]].mean(axis=0)
        end = unit[[vectors.index[w] for w in axis.end]].mean(axis=0)
        direction = (end - start) / np.linalg.norm(end - start)
        for row, word in enumerate(["king", "queen", "apple", "car"]):
            assert positions[row, column] == pytest.approx(float(unit[vectors.index[word]] @ direction), abs=1e-6)
    assert positions[1, 0] > positions[0, 0]  # queen lies further towards woman than king
    assert positions[3, 1] > positions[2, 1]  # car towards the vehicles, apple towards the fruit
    assert gender.label == "man → woman" and kind.label == "apple, pear → car, bus"


def test_a_map_on_custom_axes_keeps_its_words_and_labels_and_drops_the_third_dimension(vectors):
    frame = pd.DataFrame({"word": ["king", "queen", "apple"], "rank": [1, 2, 3], "kind": ["other"] * 3,
                          "cluster": ["1", "1", "2"], "x": [9.0] * 3, "y": [9.0] * 3, "z": [9.0] * 3})
    placed = on_custom_axes(frame, vectors, Axis(("man",), ("woman",)), Axis(("apple",), ("car",)))
    assert placed.columns.tolist() == ["word", "rank", "kind", "cluster", "x", "y"]
    assert placed.word.tolist() == frame.word.tolist() and placed.x[1] > placed.x[0]
    assert frame.x.tolist() == [9.0] * 3  # the map it was given is left as it was


def test_axes_without_a_direction_or_with_unknown_words_are_input_errors(vectors):
    with pytest.raises(InputError, match="no direction"):
        Axis(("king",), ("king",)).direction(vectors)
    with pytest.raises(InputError, match="no direction"):
        Axis(("king", "queen"), ("queen", "king")).direction(vectors)
    with pytest.raises(InputError, match="both ends"):
        Axis((), ("king",)).direction(vectors)
    with pytest.raises(InputError, match="'womn' is not in the vocabulary.*woman"):
        Axis(("man",), ("womn",)).direction(vectors)


def test_a_box_of_words_reads_commas_and_spaces_each_word_once():
    assert word_list(" King, woman  queen,,king ") == ["king", "woman", "queen"]
    assert word_list("  ") == []


# ---------------------------------------------------------------- UMAP and the other projections
def blobs(seed: int = 0, per_blob: int = 40, dimensions: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Three well-separated clusters of vectors, and which cluster each vector is in."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=10, size=(3, dimensions))
    labels = np.repeat(np.arange(3), per_blob)
    return centres[labels] + rng.normal(size=(len(labels), dimensions)), labels


def test_umap_is_deterministic_for_a_seed_and_has_the_asked_shape():
    points, _ = blobs()
    first = umap_coordinates(points, 2, n_neighbors=10, seed=4)
    assert first.shape == (120, 2) and np.isfinite(first).all()
    np.testing.assert_array_equal(first, umap_coordinates(points, 2, n_neighbors=10, seed=4))
    assert not np.allclose(first, umap_coordinates(points, 2, n_neighbors=10, seed=5))
    assert umap_coordinates(points, 3, n_neighbors=10, seed=4).shape == (120, 3)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_umap_keeps_the_clusters_apart(metric):
    points, labels = blobs(seed=1)
    placed = umap_coordinates(points, 2, n_neighbors=10, min_dist=0.1, metric=metric, seed=0)
    distances = np.linalg.norm(placed[:, None] - placed[None], axis=-1)
    np.fill_diagonal(distances, np.inf)
    nearest = distances.argmin(axis=1)
    assert (labels[nearest] == labels).mean() == 1.0  # every word's nearest point on the map is of its cluster
    centroids = np.array([placed[labels == c].mean(axis=0) for c in range(3)])
    spread = max(np.linalg.norm(placed[labels == c] - centroids[c], axis=1).mean() for c in range(3))
    gaps = min(np.linalg.norm(centroids[a] - centroids[b]) for a, b in itertools.combinations(range(3), 2))
    assert gaps > 2 * spread


def test_umap_caps_its_neighbours_for_few_words_and_refuses_bad_settings():
    points, _ = blobs(per_blob=3)
    assert umap_coordinates(points, 2, n_neighbors=50, seed=0).shape == (9, 2)  # 50 neighbours of 9 words: 8
    with pytest.raises(InputError, match="between 0 and 1"):
        umap_coordinates(points, 2, min_dist=1.5)
    with pytest.raises(InputError, match="more than 3 words"):
        umap_coordinates(points[:3], 2)


def test_every_projection_gives_one_row_per_word_and_an_unknown_one_is_an_input_error():
    points, _ = blobs(per_blob=15)
    for method in ("PCA", "t-SNE", "UMAP"):
        assert coordinates(points, method, 2, perplexity=5, iterations=250, n_neighbors=5).shape == (45, 2)
    with pytest.raises(InputError, match="Unknown projection 'Isomap'"):
        coordinates(points, "Isomap")


def test_map_settings_key_only_what_changes_the_map():
    old_default_key = ArtifactSpec("word-map", {"n_words": 500, "method": "t-SNE", "dimensions": 2,
                                                "perplexity": 30.0, "iterations": 1000, "clusters": 10},
                                   model_spec("cbow", DEFAULT_CORPUS).key).key
    assert map_spec("cbow", DEFAULT_CORPUS, MapSettings()).key == old_default_key  # maps kept on disk stay valid
    assert map_spec("cbow", DEFAULT_CORPUS, MapSettings(method="PCA", perplexity=5.0)).key == \
        map_spec("cbow", DEFAULT_CORPUS, MapSettings(method="PCA")).key
    umap = {map_spec("cbow", DEFAULT_CORPUS, MapSettings(method="UMAP", **change)).key
            for change in ({}, {"min_dist": 0.5}, {"n_neighbors": 5}, {"metric": "euclidean"})}
    assert len(umap) == 4
    with pytest.raises(InputError, match="Unknown projection"):
        MapSettings(method="MDS")
    with pytest.raises(InputError, match="2 or 3 dimensions"):
        MapSettings(dimensions=4)
    with pytest.raises(InputError, match="Unknown metric"):
        MapSettings(metric="manhattan")


def test_the_default_map_is_pre_trained_and_other_maps_are_fits():
    assert word_map("cbow").kind == TRAINING
    other = word_map("cbow", DEFAULT_CORPUS, MapSettings(method="UMAP"))
    assert other.kind == FIT and "UMAP map of 500 words" in other.description
    assert word_map("cbow", "ptb").kind == FIT  # a default map of a corpus the app does not pre-train


# ---------------------------------------------------------------- several words, the odd one out, a pair
def brute_force_combination(vectors: WordVectors, positive: list[str], negative: list[str], method: str,
                            k: int) -> list[str]:
    """gensim's definitions word by word: 3CosAdd the cosine with the sum of the positive minus the negative unit
    vectors; 3CosMul the product of (1 + cos) / 2 with the positives over that with the negatives plus 0.001."""
    def cos(a: str, b: str) -> float:
        x, y = vectors.vectors[vectors.index[a]], vectors.vectors[vectors.index[b]]
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    def score(word: str) -> float:
        if method == "3cosadd":
            target = sum(vectors.unit[vectors.index[w]] for w in positive) - sum(
                (vectors.unit[vectors.index[w]] for w in negative), np.zeros(vectors.unit.shape[1]))
            v = vectors.vectors[vectors.index[word]]
            return float(target @ v / np.linalg.norm(target) / np.linalg.norm(v))
        top = np.prod([(1 + cos(word, w)) / 2 for w in positive])
        bottom = np.prod([(1 + cos(word, w)) / 2 for w in negative]) if negative else 1.0
        return float(top / (bottom + 0.001))

    candidates = [w for w in WORDS[1:] if w not in positive and w not in negative]
    return sorted(candidates, key=score, reverse=True)[:k]


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
@pytest.mark.parametrize("positive, negative", [
    (["king", "woman"], ["man"]), (["king", "woman", "apple"], ["man", "car"]), (["pear", "bus"], []),
    (["queen"], ["woman", "plum"]),
])
def test_most_similar_with_several_words_matches_a_brute_force_computation(vectors, method, positive, negative):
    table = vectors.most_similar(positive, negative, k=4, method=method)
    assert table.word.tolist() == brute_force_combination(vectors, positive, negative, method, 4)
    assert table.score.is_monotonic_decreasing


def test_most_similar_answers_the_analogy_and_needs_a_positive_word(vectors):
    assert vectors.most_similar(["king", "woman"], ["man"], k=1).word[0] == "queen"
    assert vectors.analogy("man", "king", "woman", k=1).word[0] == "queen"  # the a : b :: c : d form
    with pytest.raises(InputError, match="at least one word to add"):
        vectors.most_similar([], ["man"])
    with pytest.raises(InputError, match="'mn' is not in the vocabulary"):
        vectors.most_similar(["king"], ["mn"])


def test_the_odd_one_out_is_the_word_farthest_from_the_mean_direction(vectors):
    table = vectors.doesnt_match(["apple", "pear", "car", "plum"])
    assert table.word[0] == "car" and set(table.word) == {"apple", "pear", "car", "plum"}
    mean = vectors.unit[[vectors.index[w] for w in ["apple", "pear", "car", "plum"]]].mean(axis=0)
    for word, score in zip(table.word, table.score):
        assert score == pytest.approx(float(vectors.unit[vectors.index[word]] @ mean / np.linalg.norm(mean)), abs=1e-6)
    assert table.score.is_monotonic_increasing
    assert vectors.doesnt_match(["king", "queen", "prince", "apple", "king"]).word[0] == "apple"  # repeats once
    with pytest.raises(InputError, match="at least three different words"):
        vectors.doesnt_match(["king", "queen", "king"])


def test_a_pairs_similarity_and_its_ranks_match_a_brute_force_count(vectors):
    def rank(word: str, other: str) -> int:
        ordered = brute_force_neighbours(vectors, word, WORDS[1:], "cosine")
        return ordered.index(other) + 1

    for a, b in itertools.permutations(["king", "queen", "apple", "bus"], 2):
        pair = vectors.similarity(a, b)
        x, y = vectors.vectors[vectors.index[a]], vectors.vectors[vectors.index[b]]
        assert pair.cosine == pytest.approx(float(x @ y / np.linalg.norm(x) / np.linalg.norm(y)), abs=1e-6)
        assert (pair.rank_of_b, pair.rank_of_a) == (rank(a, b), rank(b, a))
    assert vectors.similarity("apple", "pear").sentence() == (
        f"**pear** is apple's {ordinal(rank('apple', 'pear'))} nearest word; "
        f"**apple** is pear's {ordinal(rank('pear', 'apple'))}.")
    with pytest.raises(InputError, match="two different words"):
        vectors.similarity("king", "king")
    with pytest.raises(InputError, match="'quen' is not in the vocabulary.*queen"):
        vectors.similarity("king", "quen")


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 1002)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th", "1,002nd"]
