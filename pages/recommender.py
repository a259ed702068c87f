"""Movie recommendations: SVD and k-NN collaborative filtering with scikit-surprise on MovieLens."""
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components.artifact_store import in_memory, loaded
from components.data_status import attribution, load_or_explain
from components.shell import ensure_app_navigation
from data.movielens import DATASET_KEYS, LOADERS, MovieLens
from data.locate import dataset_checksum
from core.artifacts import Artifact, InMemoryArtifact
from core.settings import quick_mode
from core.errors import InputError
from models.recommender.artifacts import (DEFAULT_COMPARED, DEFAULT_K, DEFAULT_THRESHOLD, comparison_spec,
                                         evaluation_setup, grid_spec)
from models.recommender.model import (ALGORITHMS, FACTOR_MODELS, KNN_GRID, KNN_MODELS, MAX_ITEM_BASED_ITEMS, SIMILARITIES,
                                     SVD_GRID, Recommender, cold_start, first_users, grid_size)

ensure_app_navigation()

QUICK = quick_mode()
SUBSET, FOLDS = evaluation_setup()  # all users and 5 folds; 100 users and 3 folds in quick mode
GRID_FOLDS = 3
LEARNING_RATES = [0.002, 0.005, 0.007, 0.01]
REGULARISATIONS = [0.02, 0.05, 0.1, 0.2]
MODEL_DEFAULTS = {  # Surprise's defaults, except 100 factors for SVD as in its docs' examples
    "SVD": {"n_factors": 100, "n_epochs": 20, "lr_all": 0.005, "reg_all": 0.02},
    "SVD++": {"n_factors": 20, "n_epochs": 20, "lr_all": 0.007, "reg_all": 0.02},
    "knn": {"k": 40, "similarity": "msd", "neighbours": "users"},
}

st.title("Movie recommendations")
st.write(
    "Collaborative filtering learns what you will like from what people with similar tastes rated. "
    "**SVD** factorises the sparse user × movie rating matrix into a few latent taste factors; **k-NN** predicts "
    "from the most similar users (or movies) under cosine, Pearson or mean-squared-difference similarity. "
    "Everything runs on [scikit-surprise](https://surpriselib.com)."
)


@st.cache_data(show_spinner=False)
def movielens(name: str, quick: bool) -> MovieLens:
    data = load_or_explain(LOADERS[name])
    return MovieLens(first_users(data.ratings, SUBSET), data.movies) if quick else data


def model(algorithm: str, params: dict) -> Recommender:
    """One fitted model per (data set, algorithm, parameters), kept in the server's artifact store."""
    fit = InMemoryArtifact(f"recommender-{name}-{QUICK}-{algorithm}-{sorted(params.items())}", algorithm,
                           lambda progress: Recommender(algorithm, **params).fit(data.ratings, data.movies))
    with st.spinner(f"Fitting {algorithm} on {len(data.ratings):,} ratings..."):
        return in_memory(fit) or loaded(fit, done="Fitted")


def stored(spec, compute: str, label: str, heading: str):
    """Results already in the model cache, else computed behind a button with a progress bar; None until then.

    ``compute`` names the function of ``models.recommender.model`` that computes and stores them.
    """
    results = Artifact(spec.name, heading, spec=lambda: spec, build=f"models.recommender.model:{compute}",
                       arguments=(data.ratings, spec))
    if results.is_trained() or st.button(label):
        return loaded(results, heading, done="Done")
    return None


RATING_FORMAT = {"predicted rating": st.column_config.NumberColumn(format="%.2f")}


def use_parameters(algorithm: str, best: dict) -> None:
    """Put a grid search's best parameters into the model widgets (a button callback, before they are drawn)."""
    st.session_state["algorithm"] = algorithm
    family = algorithm if algorithm in FACTOR_MODELS else "knn"
    for parameter, value in best.items():
        if parameter == "user_based":
            st.session_state["knn neighbours"] = "users" if value else "movies"
        else:
            st.session_state[f"{family} {parameter}"] = value


def show_error(error: InputError) -> None:
    st.error(str(error), icon=":material/error:")


# ---------------------------------------------------------------- data and model
name = st.radio("Data set", list(LOADERS), horizontal=True,
                captions=["2018, 0.5-5 stars", "1998, 1-5 stars (internal use only: no redistribution)"])
data = movielens(name, QUICK)
cols = st.columns(4)
cols[0].metric("Ratings", f"{len(data.ratings):,}")
cols[1].metric("Users", f"{data.ratings.user.nunique():,}")
cols[2].metric("Rated movies", f"{data.ratings.item.nunique():,}")
density = len(data.ratings) / (data.ratings.user.nunique() * data.ratings.item.nunique())
cols[3].metric("Matrix filled", f"{density:.2%}")
low, high = data.ratings.rating.min(), data.ratings.rating.max()
checksum = dataset_checksum(DATASET_KEYS[name])
if QUICK:
    st.caption(f"Quick mode: only the first {SUBSET} users' ratings are used.")

st.subheader("The model")
# Widget values live in session state (set once here) so that "Use these parameters" in Tune can change them.
for family, defaults in MODEL_DEFAULTS.items():
    for parameter, value in defaults.items():
        st.session_state.setdefault(f"{family} {parameter}", value)
cols = st.columns(4)
algorithm = cols[0].selectbox("Algorithm", list(ALGORITHMS), key="algorithm",
                              help="SVD++ adds implicit feedback; it fits ~20x slower.")
params: dict = {}
if algorithm in FACTOR_MODELS:
    params["n_factors"] = cols[1].slider("Latent factors", 2, 200, key=f"{algorithm} n_factors")
    params["n_epochs"] = cols[2].slider("Epochs", 5, 100, key=f"{algorithm} n_epochs")
    params["lr_all"] = cols[3].select_slider("Learning rate", LEARNING_RATES, key=f"{algorithm} lr_all")
    params["reg_all"] = cols[3].select_slider("Regularisation", REGULARISATIONS, key=f"{algorithm} reg_all")
elif algorithm in KNN_MODELS:
    params["user_based"] = cols[1].radio("Neighbours are", ["users", "movies"], horizontal=True,
                                         key="knn neighbours") == "users"
    params["similarity"] = cols[2].selectbox("Similarity", SIMILARITIES, key="knn similarity")
    params["k"] = int(cols[3].number_input("k (neighbours)", min_value=1, max_value=5000, key="knn k"))
    population = data.ratings.user.nunique() if params["user_based"] else min(
        data.ratings.item.nunique(), MAX_ITEM_BASED_ITEMS)
    if params["k"] > population:
        st.warning(f"k = {params['k']} is more than the {population:,} {'users' if params['user_based'] else 'movies'}"
                   " there are: every one of them is a neighbour, so this is the same as k = "
                   f"{population:,}.")
    if not params["user_based"] and data.ratings.item.nunique() > MAX_ITEM_BASED_ITEMS:
        st.caption(f"Item-based k-NN uses the {MAX_ITEM_BASED_ITEMS:,} most-rated movies, so that the movie × movie "
                   "similarity matrix fits in memory.")
recommender = model(algorithm, params)

user_tab, similar_tab, explain_tab, you_tab, compare_tab, tune_tab = st.tabs(
    ["For a user", "Similar movies", "Predict and explain", "You (cold start)", "Compare algorithms", "Tune"])

# ---------------------------------------------------------------- one user
with user_tab:
    cols = st.columns(3)
    user = int(cols[0].number_input("User id", value=int(data.ratings.user.min()), step=1, key="user"))
    top_n = cols[1].slider("How many recommendations", 1, 50, 10)
    min_ratings = cols[2].slider("Only movies rated by at least", 1, 100, 1 if QUICK else 10, key="min_ratings",
                                 help="Movies few people rated get unreliable predictions.")
    try:
        rated = recommender.rated(user)
        recommendations = recommender.recommend(user, top_n, min_ratings)
    except InputError as error:
        show_error(error)
    else:
        cols = st.columns(3)
        cols[0].metric("Movies rated by this user", len(rated))
        cols[1].metric("Their mean rating", f"{rated.rating.mean():.2f}")
        cols[2].metric("Top pick's predicted rating", f"{recommendations['predicted rating'].iloc[0]:.2f}")
        st.success(f"Top pick for user {user}: **{recommendations.title.iloc[0]}** "
                   f"({recommendations.genres.iloc[0].replace('|', ', ')})")
        st.markdown(f"**Top {len(recommendations)} unseen movies for user {user}** ({algorithm})")
        st.dataframe(recommendations, hide_index=True, width="stretch", column_config=RATING_FORMAT)
        at_ceiling = int((recommendations["predicted rating"] >= high).sum())
        if at_ceiling > 1:
            st.caption(f"{at_ceiling} predictions reach the {high:g}-star ceiling; they are ordered by the estimate "
                       "before clipping to the scale.")
        if len(recommendations) < top_n:
            st.info(f"Only {len(recommendations)} unseen movies have at least {min_ratings} ratings.")
        with st.expander(f"What user {user} rated ({len(rated)} movies, best first)"):
            st.dataframe(rated, hide_index=True, width="stretch")

# ---------------------------------------------------------------- similar movies
with similar_tab:
    cols = st.columns([2, 2, 1, 1])
    query = cols[0].text_input("Movie id or words of its title", "Toy Story", key="similar_query")
    source = cols[1].radio("Similarity from", ["SVD item factors (cosine)", "item-based k-NN (pearson_baseline)"])
    n_similar = cols[2].slider("How many", 1, 30, 10, key="n_similar")
    min_similar = cols[3].slider("Rated by at least", 1, 100, 1 if QUICK else 20, key="min_similar")
    similar_model = (model("SVD", MODEL_DEFAULTS["SVD"]) if source.startswith("SVD") else
                     model("KNNBaseline", {"k": 40, "similarity": "pearson_baseline", "user_based": False}))
    try:
        movie = similar_model.find(query)
        similar = similar_model.similar_items(movie, n_similar, min_similar)
    except InputError as error:
        show_error(error)
    else:
        st.markdown(f"**Movies similar to {similar_model.title(movie)}**")
        st.dataframe(similar.round({"similarity": 3}), hide_index=True, width="stretch")

# ---------------------------------------------------------------- one prediction, explained
with explain_tab:
    cols = st.columns(2)
    explain_user = int(cols[0].number_input("User id", value=int(data.ratings.user.min()), step=1, key="explain_user"))
    explain_query = cols[1].text_input("Movie id or words of its title", "Star Wars", key="explain_query")
    try:
        movie = recommender.find(explain_query)
        explanation = recommender.explain(explain_user, movie)
    except InputError as error:
        show_error(error)
    else:
        own = recommender.rated(explain_user).set_index("item")["rating"]
        st.markdown(f"**User {explain_user} and {recommender.title(movie)}**")
        cols = st.columns(2)
        cols[0].metric(f"Predicted rating ({algorithm})", f"{explanation.estimate:.2f}")
        cols[1].metric("User's actual rating", f"{own[movie]:g}" if movie in own.index else "not rated")
        st.write(explanation.summary)
        if explanation.note:
            st.warning(explanation.note)
        if not explanation.parts.empty:
            st.dataframe(explanation.parts.round(3), hide_index=True, width="stretch")
        if "term" in explanation.parts:  # baseline and factor terms add up to the estimate: draw them so
            terms = explanation.parts[~explanation.parts.term.str.startswith("  of which")]
            st.plotly_chart(go.Figure(go.Waterfall(
                x=[t.split(" (")[0] for t in terms.term] + ["estimate"], y=list(terms.value) + [0],
                measure=["relative"] * len(terms) + ["total"])).update_layout(
                title="How the predicted rating adds up (before clipping to the scale)", yaxis_title="rating"),
                width="stretch")

# ---------------------------------------------------------------- cold start
with you_tab:
    st.write(f"Rate a handful of movies. Your ratings are **folded into the data as a new user and the {algorithm} "
             "model is refitted on everything** (exact, not an approximation; a few seconds for SVD).")
    popular = recommender.counts_.index[:150]
    choices = st.multiselect("Movies you have seen (the 150 most rated)", list(popular),
                             format_func=recommender.title, max_selections=20, key="cold_movies")
    steps = [x / 2 for x in range(int(low * 2), int(high * 2) + 1, 1 if low % 1 else 2)]
    mine = {item: st.select_slider(recommender.title(item), steps, value=steps[-1], key=f"cold_{item}")
            for item in choices}
    if not mine:
        st.info("Pick at least one movie above and rate it to get recommendations.")
    request = (name, algorithm, tuple(sorted(params.items())), tuple(mine.items()), top_n, min_ratings)
    if mine and st.button("Recommend for me", type="primary"):
        with st.spinner(f"Refitting {algorithm} with your {len(mine)} ratings..."):
            try:
                _, _, yours = cold_start(data.ratings, data.movies, mine, algorithm, top_n, min_ratings, **params)
                st.session_state["cold_start"] = (request, yours)
            except InputError as error:
                show_error(error)
    answered, yours = st.session_state.get("cold_start", (None, None))
    if answered == request:
        st.success(f"Your top pick: **{yours.title.iloc[0]}** (predicted {yours['predicted rating'].iloc[0]:.2f})")
        st.dataframe(yours, hide_index=True, width="stretch", column_config=RATING_FORMAT)

# ---------------------------------------------------------------- comparing algorithms
with compare_tab:
    cols = st.columns([3, 1, 1])
    names = cols[0].multiselect("Algorithms (Surprise defaults)", list(ALGORITHMS), DEFAULT_COMPARED,
                                help="SVD++ takes minutes.", key="names")
    k = cols[1].number_input("k for precision@k / recall@k", 1, 100, DEFAULT_K)
    threshold = cols[2].number_input("Relevant when rated at least", float(low), float(high), DEFAULT_THRESHOLD, 0.5)
    st.caption(f"RMSE and MAE: {FOLDS}-fold `cross_validate` on the same folds for every algorithm. "
               "precision@k / recall@k: one 80/20 train/test split; each user's held-out movies are ranked by "
               "predicted rating and the top k count as recommended, a movie as relevant when its true rating "
               f"is at least {threshold:g}.")
    if not names:
        st.info("Choose at least one algorithm.")
    elif (results := stored(comparison_spec(checksum, SUBSET, names, FOLDS, int(k), float(threshold)),
                            "stored_comparison", "Run the comparison", "Cross-validating")) is not None:
        cv, split = results
        cols = st.columns(3)
        for col, (label, table, column, best) in zip(cols, [("Lowest RMSE", cv, "RMSE", "idxmin"),
                                                            (f"Best precision@{k}", split, f"precision@{k}", "idxmax"),
                                                            (f"Best recall@{k}", split, f"recall@{k}", "idxmax")]):
            winner = table.loc[getattr(table[column], best)()]
            col.metric(f"{label}: {winner.algorithm}", f"{winner[column]:.4f}")
        st.dataframe(cv.round(4), hide_index=True, width="stretch")
        errors = cv.melt(id_vars="algorithm", value_vars=["RMSE", "MAE"], var_name="metric", value_name="error")
        errors["std"] = cv.melt(value_vars=["RMSE std", "MAE std"])["value"].to_numpy()
        left, right = st.columns(2)
        left.plotly_chart(px.bar(errors, x="algorithm", y="error", color="metric", barmode="group", error_y="std",
                                 title=f"{FOLDS}-fold CV error (lower is better)"), width="stretch")
        right.plotly_chart(px.bar(cv, x="algorithm", y=["fit time (s)", "test time (s)"], title="Time over all folds",
                                  labels={"value": "seconds", "variable": ""}), width="stretch")
        st.markdown("**Train/test split: error and ranking quality**")
        st.dataframe(split.round(4), hide_index=True, width="stretch")
        st.plotly_chart(px.bar(split.melt(id_vars="algorithm", value_vars=[f"precision@{k}", f"recall@{k}"]),
                               x="algorithm", y="value", color="variable", barmode="group",
                               title=f"Ranking quality at k = {k} (higher is better)", labels={"variable": ""}),
                        width="stretch")
        st.caption("Only movies a user actually rated can be scored, and people mostly rate what they chose to "
                   "watch, so even random scores (NormalPredictor) rank many relevant movies: read the others "
                   "against that floor.")
    else:
        st.info("Press the button to cross-validate the chosen algorithms (about half a minute on ml-latest-small "
                "with an idle CPU; SVD++ alone adds minutes). The results are kept for next time.")

# ---------------------------------------------------------------- tuning
with tune_tab:
    family = st.radio("Tune", ["SVD", "k-NN"], horizontal=True, key="tune_family")
    cols = st.columns(4)
    if family == "SVD":
        tune_algorithm = "SVD"
        grid = {"n_factors": cols[0].multiselect("Latent factors", [20, 50, 100, 150], SVD_GRID["n_factors"]),
                "n_epochs": cols[1].multiselect("Epochs", [10, 20, 30, 50], SVD_GRID["n_epochs"]),
                "lr_all": cols[2].multiselect("Learning rate", LEARNING_RATES, SVD_GRID["lr_all"]),
                "reg_all": cols[3].multiselect("Regularisation", REGULARISATIONS, SVD_GRID["reg_all"])}
    else:
        tune_algorithm = cols[0].selectbox("k-NN variant", KNN_MODELS, index=2)
        grid = {"k": cols[1].multiselect("k", [10, 20, 40, 80], KNN_GRID["k"], key="grid_k"),
                "similarity": cols[2].multiselect("Similarity", SIMILARITIES, KNN_GRID["similarity"], key="grid_sim"),
                "user_based": [v == "users" for v in cols[3].multiselect("Neighbours", ["users", "movies"],
                                                                          ["users", "movies"], key="grid_based")]}
    combinations = grid_size(grid)
    st.caption(f"{combinations} combinations × {GRID_FOLDS} folds = {combinations * GRID_FOLDS} fits with "
               "`GridSearchCV`, ranked by mean RMSE."
               + (f" With movie neighbours in the grid, only the {MAX_ITEM_BASED_ITEMS:,} most-rated movies are used."
                  if False in grid.get("user_based", []) else ""))
    if combinations == 0:
        st.info("Choose at least one value for every parameter.")
    elif (result := stored(grid_spec(checksum, SUBSET, tune_algorithm, grid, GRID_FOLDS), "stored_grid_search",
                           "Run the grid search", "Grid search")) is not None:
        cols = st.columns(3)
        cols[0].metric("Best RMSE", f"{result.best_rmse:.4f}")
        cols[1].metric("Its MAE", f"{result.best_mae:.4f}")
        cols[2].metric("Movies used", f"{result.n_items:,}")
        st.write("**Best parameters:** " + ", ".join(f"{p} = {v}" for p, v in result.best_params.items()))
        st.button(f"Use these parameters for the model above ({tune_algorithm})", on_click=use_parameters,
                  args=(tune_algorithm, result.best_params))
        st.dataframe(result.table.round(4), hide_index=True, width="stretch")
        labels = result.table.drop(columns=["RMSE", "RMSE std", "MAE", "fit time (s)"]).astype(str).agg(", ".join, axis=1)
        st.plotly_chart(px.scatter(x=result.table["RMSE"], y=labels, error_x=result.table["RMSE std"],
                                   labels={"x": "mean CV RMSE ± std over folds", "y": ""},
                                   title="Every combination (best on top)")
                        .update_yaxes(autorange="reversed"), width="stretch")
    else:
        st.info("Press the button to run the search; the results are kept for next time.")

attribution(DATASET_KEYS[name])
st.caption("Cite: F. Maxwell Harper and Joseph A. Konstan (2015), The MovieLens Datasets: History and Context, "
           "ACM TiiS 5(4), doi:10.1145/2827872. GroupLens terms: research use only, no commercial use, no implied "
           "endorsement by the University of Minnesota or GroupLens"
           + ("; ml-100k may not be redistributed." if name == "ml-100k" else "."))
