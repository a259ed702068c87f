"""Movie recommendations: SVD and k-NN collaborative filtering with scikit-surprise on MovieLens."""
import streamlit as st

from components.chart_export import chart
from components.charts.recommendations import estimate_waterfall, grid_chart
from components.data_source import source_line
from components.linked_view import LinkNote
from components.recommender_inputs import (MODEL_LABELS, VIEW_LABELS, comparison, comparison_parameters, credits,
                                           data_set, errors_explained, explanation_choice, grid_parameters,
                                           grid_search, model, model_parameters, similar_choice, use_parameters,
                                           user_choice, your_recommendations)
from components.recommender_views import comparison_views
from components.shell import ensure_app_navigation
from components.table_export import table
from components.url_state import BIND
from data.movielens import DATASET_KEYS
from models.recommender.interpretation import additive_terms, at_ceiling, combination_labels, describe_parameters

ensure_app_navigation()

RATING_FORMAT = {"predicted rating": st.column_config.NumberColumn(format="%.2f")}

st.title("Movie recommendations")
st.write(
    "Collaborative filtering learns what you will like from what people with similar tastes rated. "
    "**SVD** factorises the sparse user × movie rating matrix into a few latent taste factors; **k-NN** predicts "
    "from the most similar users (or movies) under cosine, Pearson or mean-squared-difference similarity. "
    "Everything runs on [scikit-surprise](https://surpriselib.com)."
)

# ---------------------------------------------------------------- data and model
link = LinkNote()
name, data = data_set()
low, high, source = data.ratings.rating.min(), data.ratings.rating.max(), source_line(DATASET_KEYS[name])
st.subheader("The model")
algorithm, params = model_parameters(data.ratings)
link.check(MODEL_LABELS)
with errors_explained(stop=True):
    recommender = model(name, data, algorithm, params)

user_tab, similar_tab, explain_tab, you_tab, compare_tab, tune_tab = st.tabs(
    ["For a user", "Similar movies", "Predict and explain", "You (cold start)", "Compare algorithms", "Tune"],
    key="tab", bind=BIND)

# ---------------------------------------------------------------- one user
with user_tab:
    user, top_n, min_ratings = user_choice(data.ratings)
    recommendations = None
    with errors_explained():
        rated = recommender.rated(user)
        recommendations = recommender.recommend(user, top_n, min_ratings)
    if recommendations is not None:
        cols = st.columns(3)
        cols[0].metric("Movies rated by this user", len(rated))
        cols[1].metric("Their mean rating", f"{rated.rating.mean():.2f}")
        cols[2].metric("Top pick's predicted rating", f"{recommendations['predicted rating'].iloc[0]:.2f}")
        st.success(f"Top pick for user {user}: **{recommendations.title.iloc[0]}** "
                   f"({recommendations.genres.iloc[0].replace('|', ', ')})")
        st.markdown(f"**Top {len(recommendations)} unseen movies for user {user}** ({algorithm})")
        table(recommendations, f"Top {len(recommendations)} for user {user}, {algorithm}, {name}", "recommendations",
              column_config=RATING_FORMAT)
        if (ceiling := at_ceiling(recommendations, high)) > 1:
            st.caption(f"{ceiling} predictions reach the {high:g}-star ceiling; they are ordered by the estimate "
                       "before clipping to the scale.")
        if len(recommendations) < top_n:
            st.info(f"Only {len(recommendations)} unseen movies have at least {min_ratings} ratings.")
        with st.expander(f"What user {user} rated ({len(rated)} movies, best first)"):
            table(rated, f"What user {user} rated, {name}", "rated")

# ---------------------------------------------------------------- similar movies
with similar_tab:
    query, similar_model, n_similar, min_similar = similar_choice(name, data)
    similar = None
    with errors_explained():
        movie = similar_model.find(query)
        similar = similar_model.similar_items(movie, n_similar, min_similar)
    if similar is not None:
        st.markdown(f"**Movies similar to {similar_model.title(movie)}**")
        table(similar.round({"similarity": 3}), f"Movies similar to {similar_model.title(movie)}, {name}", "similar")

# ---------------------------------------------------------------- one prediction, explained
with explain_tab:
    explain_user, explain_query = explanation_choice(data.ratings)
    explanation = None
    with errors_explained():
        movie = recommender.find(explain_query)
        explanation = recommender.explain(explain_user, movie)
    if explanation is not None:
        own = recommender.rating_of(explain_user, movie)
        st.markdown(f"**User {explain_user} and {recommender.title(movie)}**")
        cols = st.columns(2)
        cols[0].metric(f"Predicted rating ({algorithm})", f"{explanation.estimate:.2f}")
        cols[1].metric("User's actual rating", "not rated" if own is None else f"{own:g}")
        st.write(explanation.summary)
        if explanation.note:
            st.warning(explanation.note)
        if not explanation.parts.empty:
            table(explanation.parts.round(3), f"{algorithm}'s estimate for user {explain_user}, explained", "parts")
        if "term" in explanation.parts:  # baseline and factor terms add up to the estimate: draw them so
            chart(estimate_waterfall(additive_terms(explanation.parts)), f"How {algorithm}'s estimate for user "
                  f"{explain_user} and {recommender.title(movie)} adds up", "waterfall", source)

# ---------------------------------------------------------------- cold start
with you_tab:
    yours = your_recommendations(name, data, recommender, top_n, min_ratings, link)
    if yours is not None:
        st.success(f"Your top pick: **{yours.title.iloc[0]}** (predicted {yours['predicted rating'].iloc[0]:.2f})")
        table(yours, f"Your top {len(yours)}, {algorithm}, {name}", "yours", column_config=RATING_FORMAT)

# ---------------------------------------------------------------- comparing algorithms
with compare_tab:
    names, k, threshold = comparison_parameters(low, high)
    results = None
    with errors_explained():
        results = comparison(name, data, names, k, threshold)
    if results is not None:
        comparison_views(*results, k, name)

# ---------------------------------------------------------------- tuning
with tune_tab:
    tune_algorithm, grid = grid_parameters()
    result = None
    with errors_explained():
        result = grid_search(name, data, tune_algorithm, grid)
    if result is not None:
        cols = st.columns(3)
        cols[0].metric("Best RMSE", f"{result.best_rmse:.4f}")
        cols[1].metric("Its MAE", f"{result.best_mae:.4f}")
        cols[2].metric("Movies used", f"{result.n_items:,}")
        st.write("**Best parameters:** " + describe_parameters(result.best_params))
        st.button(f"Use these parameters for the model above ({tune_algorithm})", on_click=use_parameters,
                  args=(tune_algorithm, result.best_params))
        table(result.table.round(4), f"Grid search of {tune_algorithm}, {name}", "grid")
        chart(grid_chart(result.table["RMSE"], result.table["RMSE std"], combination_labels(result.table)),
              f"Cross-validated RMSE of each {tune_algorithm} combination, {name}", "grid_chart", source)

link.check(VIEW_LABELS)
credits(name)
