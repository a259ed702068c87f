"""The recommendations page's inputs: the data set, its fitted models and stored results, and its widget groups
(the model's parameters, whom and what to recommend for, a newcomer's own ratings, what to compare, a grid to search)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pandas as pd
import streamlit as st

from components.artifact_store import loaded
from components.data_status import attribution, load_or_explain
from components.feedback import ERROR_ICON, explain_input_errors
from components.linked_view import LinkNote
from components.url_state import BIND
from core.artifacts import Artifact, InMemoryArtifact
from core.jobs import FIT
from core.settings import quick_mode
from data.movielens import DATASET_KEYS, LOADERS, MovieLens
from data.locate import dataset_checksum
from models.recommender.artifacts import (DEFAULT_COMPARED, DEFAULT_COMPARISON, DEFAULT_K, DEFAULT_THRESHOLD,
                                         comparison_spec, evaluation_setup, grid_spec)
from models.recommender.cost import comparison_seconds, fit_seconds, grid_seconds, within_budget
from models.recommender.interpretation import matrix_density, neighbour_population, rating_steps
from models.recommender.model import (ALGORITHMS, FACTOR_MODELS, KNN_GRID, KNN_MODELS, MAX_ITEM_BASED_ITEMS,
                                      SIMILARITIES, SVD_GRID, Recommender, cold_start_job, first_users,
                                      grid_size)

LEARNING_RATES = [0.002, 0.005, 0.007, 0.01]
REGULARISATIONS = [0.02, 0.05, 0.1, 0.2]
MODEL_DEFAULTS = {  # Surprise's defaults, except 100 factors for SVD as in its docs' examples
    "SVD": {"n_factors": 100, "n_epochs": 20, "lr_all": 0.005, "reg_all": 0.02},
    "SVD++": {"n_factors": 20, "n_epochs": 20, "lr_all": 0.007, "reg_all": 0.02},
    "knn": {"k": 40, "similarity": "msd", "neighbours": "users"},
}
GRID_FOLDS = 3
"""Folds of every grid search (fewer than the comparison's: a grid fits many models)."""
VIEW_LABELS = {"tab": "Tab", "user": "User id", "n": "How many recommendations",
               "min_ratings": "Only movies rated by at least", "similar_movie": "Similar movies to",
               "similar_from": "Similarity from", "n_similar": "How many similar movies",
               "min_similar": "Similar movies rated by at least", "explain_user": "User id (explained)",
               "explain_movie": "Movie (explained)", "compare": "Algorithms compared", "k": "k for precision@k / recall@k",
               "relevant": "Relevant when rated at least", "tune": "Tune", "grid_factors": "Latent factors (grid)",
               "grid_epochs": "Epochs (grid)", "grid_lr": "Learning rate (grid)", "grid_reg": "Regularisation (grid)",
               "grid_variant": "k-NN variant (grid)", "grid_k": "k (grid)", "grid_sim": "Similarity (grid)",
               "grid_based": "Neighbours (grid)"}
"""What each URL parameter of the page below the model is called on the page, for the note on a link's unusable
values (``MODEL_LABELS``: the data set, the model and its parameters)."""
FAMILY_KEYS = {"SVD": "svd", "SVD++": "svdpp", "knn": "knn"}
PARAMETER_KEYS = {"n_factors": "factors", "n_epochs": "epochs", "lr_all": "lr", "reg_all": "reg", "k": "k",
                  "similarity": "similarity", "neighbours": "neighbours"}
PARAMETER_LABELS = {"n_factors": "Latent factors", "n_epochs": "Epochs", "lr_all": "Learning rate",
                    "reg_all": "Regularisation", "k": "k (neighbours)", "similarity": "Similarity",
                    "neighbours": "Neighbours are"}


def parameter_key(family: str, parameter: str) -> str:
    """The widget key (and URL name) of a model parameter: ``svd_factors``, ``knn_k`` ..."""
    return f"{FAMILY_KEYS[family]}_{PARAMETER_KEYS[parameter]}"


MODEL_LABELS = {"data": "Data set", "algorithm": "Algorithm"} | {
    parameter_key(family, parameter): f"{PARAMETER_LABELS[parameter]} ({family.replace('knn', 'k-NN')})"
    for family, defaults in MODEL_DEFAULTS.items() for parameter in defaults}
log = logging.getLogger("ml_atlas")


@contextmanager
def errors_explained(stop: bool = False) -> Iterator[None]:
    """Problems in the block as a message on the page: an input error as it is, and what Surprise raises on its own
    (a ValueError on settings it cannot use, a MemoryError) in words, logged with the full error.

    With ``stop`` the page stops after the message; otherwise it goes on (the caller checks what it got).
    """
    try:
        with explain_input_errors(stop=stop):
            yield
    except MemoryError:
        log.exception("The recommender ran out of memory")
        st.error("This ran out of memory on the server. Choose fewer latent factors, neighbours among users rather "
                 "than movies, or the smaller data set, and try again.", icon=ERROR_ICON)
        if stop:
            st.stop()
    except ValueError as error:
        log.exception("Surprise refused the recommender's settings")
        st.error(f"Surprise could not work with these settings ({error}). Change them and try again.",
                 icon=ERROR_ICON)
        if stop:
            st.stop()


@st.cache_data(show_spinner=False)
def movielens(name: str, quick: bool) -> MovieLens:
    """A MovieLens data set; in quick mode only the ratings of the first users (as many as evaluations keep)."""
    data = load_or_explain(LOADERS[name])
    return MovieLens(first_users(data.ratings, evaluation_setup()[0]), data.movies) if quick else data


def data_set() -> tuple[str, MovieLens]:
    """The data set chosen with a radio, and its size in a row of metrics."""
    name = st.radio("Data set", list(LOADERS), horizontal=True, key="data", bind=BIND,
                    captions=["2018, 0.5-5 stars", "1998, 1-5 stars (internal use only: no redistribution)"])
    quick = quick_mode()
    data = movielens(name, quick)
    cols = st.columns(4)
    cols[0].metric("Ratings", f"{len(data.ratings):,}")
    cols[1].metric("Users", f"{data.ratings.user.nunique():,}")
    cols[2].metric("Rated movies", f"{data.ratings.item.nunique():,}")
    cols[3].metric("Matrix filled", f"{matrix_density(data.ratings):.2%}")
    if quick:
        st.caption(f"Quick mode: only the first {evaluation_setup()[0]} users' ratings are used.")
    return name, data


def fit_key(name: str, algorithm: str, params: dict) -> str:
    """What identifies a fitted model: the data set (whole, or quick mode's part), the algorithm, every parameter."""
    return f"recommender-{name}-{quick_mode()}-{algorithm}-{sorted(params.items())}"


def model(name: str, data: MovieLens, algorithm: str, params: dict) -> Recommender:
    """One fitted model per (data set, algorithm, parameters), kept in the server's artifact store.

    InputError, before anything is submitted, when the fit is estimated over the budget.
    """
    size = (f" with {params['n_factors']} latent factors and {params['n_epochs']} epochs"
            if algorithm in FACTOR_MODELS else "")
    advice = "Choose fewer latent factors or epochs" + (" (SVD++ costs far more than SVD per factor)."
                                                        if algorithm == "SVD++" else ".")
    within_budget(fit_seconds(data.ratings, algorithm, params),
                  f"Fitting {algorithm}{size} on {len(data.ratings):,} ratings", advice)
    fit = InMemoryArtifact(fit_key(name, algorithm, params), algorithm,
                           lambda progress: Recommender(algorithm, **params).fit(data.ratings, data.movies))
    with st.spinner(f"Fitting {algorithm} on {len(data.ratings):,} ratings..."):
        return loaded(fit)


def stored(ratings: pd.DataFrame, spec, compute: str, label: str, heading: str, waiting: str):
    """Results already in the model cache, else computed behind a button with a progress bar; None (saying
    ``waiting``) until then.

    ``compute`` names the function of ``models.recommender.model`` that computes and stores them.
    """
    results = Artifact(spec.name, heading, spec=lambda: spec, build=f"models.recommender.model:{compute}",
                       arguments=(ratings, spec), kind=FIT)
    if spec.key == DEFAULT_COMPARISON.key:
        results = DEFAULT_COMPARISON  # the pre-trained comparison: never counted as a removable result of settings
    if results.is_trained() or st.button(label):
        return loaded(results, heading, done="Done")
    st.info(waiting)
    return None


def comparison(name: str, data: MovieLens, names: list[str], k: int, threshold: float):
    """The comparison of the algorithms ``names`` on the data set (cross-validation and a train/test split scored at
    ``k`` and ``threshold``), stored or run behind a button; None until then, or when over the budget (InputError).
    """
    if not names:
        st.info("Choose at least one algorithm.")
        return None
    users, folds = evaluation_setup()
    within_budget(comparison_seconds(data.ratings, names, folds),
                  f"Cross-validating {', '.join(names)} ({folds} folds and a train/test split each)",
                  "Compare fewer algorithms at once (SVD++ alone takes the longest).")
    spec = comparison_spec(dataset_checksum(DATASET_KEYS[name]), users, names, folds, int(k), float(threshold))
    return stored(data.ratings, spec, "stored_comparison", "Run the comparison", "Cross-validating",
                  "Press the button to cross-validate the chosen algorithms (about half a minute on ml-latest-small "
                  "with an idle CPU; SVD++ alone adds minutes). The results are kept for next time.")


def grid_search(name: str, data: MovieLens, algorithm: str, grid: dict):
    """The grid search of ``algorithm`` over ``grid`` on the data set, stored or run behind a button; None until then.

    InputError, before the button, when the search is estimated over the budget.
    """
    if grid_size(grid) == 0:
        st.info("Choose at least one value for every parameter.")
        return None
    within_budget(grid_seconds(data.ratings, algorithm, grid, GRID_FOLDS),
                  f"The grid search ({grid_size(grid)} combinations × {GRID_FOLDS} folds of {algorithm})",
                  "Choose fewer values, above all of the latent factors and epochs.")
    spec = grid_spec(dataset_checksum(DATASET_KEYS[name]), evaluation_setup()[0], algorithm, grid, GRID_FOLDS)
    return stored(data.ratings, spec, "stored_grid_search", "Run the grid search", "Grid search",
                  "Press the button to run the search; the results are kept for next time.")


def credits(name: str) -> None:
    """The data set's credit line, with the citation and GroupLens' terms."""
    attribution(DATASET_KEYS[name])
    st.caption("Cite: F. Maxwell Harper and Joseph A. Konstan (2015), The MovieLens Datasets: History and Context, "
               "ACM TiiS 5(4), doi:10.1145/2827872. GroupLens terms: research use only, no commercial use, no implied "
               "endorsement by the University of Minnesota or GroupLens"
               + ("; ml-100k may not be redistributed." if name == "ml-100k" else "."))


def use_parameters(algorithm: str, best: dict) -> None:
    """Put a grid search's best parameters into the model widgets (a button callback, before they are drawn)."""
    st.session_state["algorithm"] = algorithm
    family = algorithm if algorithm in FACTOR_MODELS else "knn"
    for parameter, value in best.items():
        if parameter == "user_based":
            st.session_state[parameter_key("knn", "neighbours")] = "users" if value else "movies"
        else:
            st.session_state[parameter_key(family, parameter)] = value


def model_parameters(ratings: pd.DataFrame) -> tuple[str, dict]:
    """The algorithm and its parameters as chosen in a row of widgets, with a warning when k exceeds the neighbours.

    Each widget is in the URL under its :func:`parameter_key` and starts at ``MODEL_DEFAULTS``;
    :func:`use_parameters` changes them through session state.
    """
    cols = st.columns(4)
    algorithm = cols[0].selectbox("Algorithm", list(ALGORITHMS), key="algorithm", bind=BIND,
                                  help="SVD++ adds implicit feedback; it fits ~20x slower.")
    params: dict = {}
    if algorithm in FACTOR_MODELS:
        default, key = MODEL_DEFAULTS[algorithm], partial(parameter_key, algorithm)
        params["n_factors"] = cols[1].slider("Latent factors", 2, 200, default["n_factors"], key=key("n_factors"),
                                             bind=BIND)
        params["n_epochs"] = cols[2].slider("Epochs", 5, 100, default["n_epochs"], key=key("n_epochs"), bind=BIND)
        params["lr_all"] = cols[3].select_slider("Learning rate", LEARNING_RATES, default["lr_all"],
                                                 key=key("lr_all"), bind=BIND)
        params["reg_all"] = cols[3].select_slider("Regularisation", REGULARISATIONS, default["reg_all"],
                                                  key=key("reg_all"), bind=BIND)
    elif algorithm in KNN_MODELS:
        default, key = MODEL_DEFAULTS["knn"], partial(parameter_key, "knn")
        params["user_based"] = cols[1].radio("Neighbours are", ["users", "movies"], horizontal=True,
                                             key=key("neighbours"), bind=BIND) == "users"
        params["similarity"] = cols[2].selectbox("Similarity", SIMILARITIES, SIMILARITIES.index(default["similarity"]),
                                                 key=key("similarity"), bind=BIND)
        params["k"] = int(cols[3].number_input("k (neighbours)", min_value=1, max_value=5000, value=default["k"],
                                               key=key("k"), bind=BIND))
        population = neighbour_population(ratings, params["user_based"])
        if params["k"] > population:
            st.warning(f"k = {params['k']} is more than the {population:,} "
                       f"{'users' if params['user_based'] else 'movies'} there are: every one of them is a neighbour, "
                       f"so this is the same as k = {population:,}.")
        if not params["user_based"] and ratings.item.nunique() > MAX_ITEM_BASED_ITEMS:
            st.caption(f"Item-based k-NN uses the {MAX_ITEM_BASED_ITEMS:,} most-rated movies, so that the movie × "
                       "movie similarity matrix fits in memory.")
    return algorithm, params


def user_choice(ratings: pd.DataFrame) -> tuple[int, int, int]:
    """The user to recommend for, how many movies, and how many ratings a movie needs to be recommended."""
    cols = st.columns(3)
    user = int(cols[0].number_input("User id", value=int(ratings.user.min()), step=1, key="user", bind=BIND))
    top_n = cols[1].slider("How many recommendations", 1, 50, 10, key="n", bind=BIND)
    min_ratings = cols[2].slider("Only movies rated by at least", 1, 100, 1 if quick_mode() else 10, key="min_ratings",
                                 bind=BIND, help="Movies few people rated get unreliable predictions.")
    return user, top_n, min_ratings


def explanation_choice(ratings: pd.DataFrame) -> tuple[int, str]:
    """The user and the movie (an id or words of its title) whose predicted rating to explain."""
    cols = st.columns(2)
    user = int(cols[0].number_input("User id", value=int(ratings.user.min()), step=1, key="explain_user", bind=BIND))
    query = cols[1].text_input("Movie id or words of its title", "Star Wars", max_chars=200, key="explain_movie",
                               bind=BIND)
    return user, query


def similar_choice(name: str, data: MovieLens) -> tuple[str, Recommender, int, int]:
    """The movie typed, the model its similar movies come from, how many, and how many ratings they need."""
    cols = st.columns([2, 2, 1, 1])
    query = cols[0].text_input("Movie id or words of its title", "Toy Story", max_chars=200, key="similar_movie",
                               bind=BIND)
    source = cols[1].radio("Similarity from", ["SVD item factors (cosine)", "item-based k-NN (pearson_baseline)"],
                           key="similar_from", bind=BIND)
    n_similar = cols[2].slider("How many", 1, 30, 10, key="n_similar", bind=BIND)
    min_similar = cols[3].slider("Rated by at least", 1, 100, 1 if quick_mode() else 20, key="min_similar", bind=BIND)
    similar_model = (model(name, data, "SVD", MODEL_DEFAULTS["SVD"]) if source.startswith("SVD") else
                     model(name, data, "KNNBaseline", {"k": 40, "similarity": "pearson_baseline", "user_based": False}))
    return query, similar_model, n_similar, min_similar


def your_ratings(recommender: Recommender, low: float, high: float, link: LinkNote) -> dict:
    """A newcomer's ratings (``{movie id: rating}``) of movies they pick among the 150 most rated, one slider each.

    The picks (by title) and their ratings are in the URL; ``link`` notes those it could not use."""
    popular = recommender.counts_.index[:150]
    choices = st.multiselect("Movies you have seen (the 150 most rated)", list(popular),
                             format_func=recommender.title, max_selections=20, key="cold_movies", bind=BIND)
    steps = rating_steps(low, high)
    mine = {item: st.select_slider(recommender.title(item), steps, value=steps[-1], key=f"cold_{item}", bind=BIND)
            for item in choices}
    link.check({"cold_movies": "Movies you have seen",
                **{f"cold_{item}": f"Your rating of {recommender.title(item)}" for item in choices}},
               {"cold_movies": lambda items: [recommender.title(item) for item in items]})
    if not mine:
        st.info("Pick at least one movie above and rate it to get recommendations.")
    return mine


def your_recommendations(name: str, data: MovieLens, recommender: Recommender, n: int, min_ratings: int,
                         link: LinkNote) -> pd.DataFrame | None:
    """A newcomer's top ``n`` movies once they rated some and pressed the button, refitting ``recommender``'s algorithm
    with their ratings folded in, as a job (kept in the server's artifact store); None until asked, and again once
    the question changes."""
    algorithm, params = recommender.algorithm, recommender.params
    st.write(f"Rate a handful of movies. Your ratings are **folded into the data as a new user and the {algorithm} "
             "model is refitted on everything** (exact, not an approximation; a few seconds for SVD).")
    mine = your_ratings(recommender, data.ratings.rating.min(), data.ratings.rating.max(), link)
    request = f"{fit_key(name, algorithm, params)}-cold-start-{sorted(mine.items())}-top-{n}-min-{min_ratings}-ratings"
    if mine and st.button("Recommend for me", type="primary"):
        st.session_state["cold_start"] = request
    if not mine or st.session_state.get("cold_start") != request:
        return None
    refit = InMemoryArtifact(request, f"{algorithm} refitted with your {len(mine)} ratings",
                             partial(cold_start_job, data.ratings, data.movies, mine, algorithm, n, min_ratings, params))
    yours = None
    with st.spinner(f"Refitting {algorithm} with your {len(mine)} ratings..."), errors_explained():
        yours = loaded(refit)
    return yours


def comparison_parameters(low: float, high: float) -> tuple[list[str], int, float]:
    """The algorithms to compare, the k of precision@k and recall@k, and the rating that makes a movie relevant."""
    cols = st.columns([3, 1, 1])
    names = cols[0].multiselect("Algorithms (Surprise defaults)", list(ALGORITHMS), DEFAULT_COMPARED,
                                help="SVD++ takes minutes.", key="compare", bind=BIND)
    k = cols[1].number_input("k for precision@k / recall@k", 1, 100, DEFAULT_K, key="k", bind=BIND)
    threshold = cols[2].number_input("Relevant when rated at least", float(low), float(high), DEFAULT_THRESHOLD, 0.5,
                                     key="relevant", bind=BIND)
    st.caption(f"RMSE and MAE: {evaluation_setup()[1]}-fold `cross_validate` on the same folds for every algorithm. "
               "precision@k / recall@k: one 80/20 train/test split; each user's held-out movies are ranked by "
               "predicted rating and the top k count as recommended, a movie as relevant when its true rating "
               f"is at least {threshold:g}.")
    return names, k, threshold


def grid_parameters() -> tuple[str, dict]:
    """The algorithm to tune (SVD or a k-NN variant) and the values of each parameter to search, with its size."""
    family = st.radio("Tune", ["SVD", "k-NN"], horizontal=True, key="tune", bind=BIND)
    cols = st.columns(4)
    if family == "SVD":
        algorithm = "SVD"
        grid = {"n_factors": cols[0].multiselect("Latent factors", [20, 50, 100, 150], SVD_GRID["n_factors"],
                                                 key="grid_factors", bind=BIND),
                "n_epochs": cols[1].multiselect("Epochs", [10, 20, 30, 50], SVD_GRID["n_epochs"], key="grid_epochs",
                                                bind=BIND),
                "lr_all": cols[2].multiselect("Learning rate", LEARNING_RATES, SVD_GRID["lr_all"], key="grid_lr",
                                              bind=BIND),
                "reg_all": cols[3].multiselect("Regularisation", REGULARISATIONS, SVD_GRID["reg_all"], key="grid_reg",
                                               bind=BIND)}
    else:
        algorithm = cols[0].selectbox("k-NN variant", KNN_MODELS, index=2, key="grid_variant", bind=BIND)
        grid = {"k": cols[1].multiselect("k", [10, 20, 40, 80], KNN_GRID["k"], key="grid_k", bind=BIND),
                "similarity": cols[2].multiselect("Similarity", SIMILARITIES, KNN_GRID["similarity"], key="grid_sim",
                                                  bind=BIND),
                "user_based": [v == "users" for v in cols[3].multiselect("Neighbours", ["users", "movies"],
                                                                          ["users", "movies"], key="grid_based",
                                                                          bind=BIND)]}
    combinations = grid_size(grid)
    st.caption(f"{combinations} combinations × {GRID_FOLDS} folds = {combinations * GRID_FOLDS} fits with "
               "`GridSearchCV`, ranked by mean RMSE."
               + (f" With movie neighbours in the grid, only the {MAX_ITEM_BASED_ITEMS:,} most-rated movies are used."
                  if False in grid.get("user_based", []) else ""))
    return algorithm, grid
