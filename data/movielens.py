"""MovieLens ratings and movies (GroupLens): ml-latest-small (2018) and ml-100k (1998).

Both loaders return the same two tidy frames so the recommender code does not
care which release it gets:

- ratings: ``user`` (int), ``item`` (int movie id), ``rating`` (float), ``timestamp`` (int, Unix seconds);
- movies: ``item`` (int), ``title`` (str), ``genres`` (str, ``|``-separated, e.g. ``Action|Comedy``).
"""
from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from data.locate import Locator, Progress, dataset_dir

RATING_COLUMNS = ["user", "item", "rating", "timestamp"]
# ml-100k's u.item: id, title, release date, video release date, IMDb URL, then 19 genre flags.
_ITEM_FIELDS = ["item", "title", "release_date", "video_release_date", "imdb_url"]


class MovieLens(NamedTuple):
    ratings: pd.DataFrame
    movies: pd.DataFrame


def load_movielens_small(locator: Locator | None = None, progress: Progress | None = None) -> MovieLens:
    """ml-latest-small: 100,836 ratings (0.5-5 stars in half steps) by 610 users on 9,742 movies."""
    folder = dataset_dir("movielens-small", locator, progress) / "ml-latest-small"
    ratings = pd.read_csv(folder / "ratings.csv").rename(columns={"userId": "user", "movieId": "item"})
    ratings["rating"] = ratings["rating"].astype(float)
    movies = pd.read_csv(folder / "movies.csv").rename(columns={"movieId": "item"})
    return MovieLens(ratings[RATING_COLUMNS], movies[["item", "title", "genres"]])


def load_movielens_100k(locator: Locator | None = None, progress: Progress | None = None) -> MovieLens:
    """ml-100k: 100,000 ratings (1-5 stars) by 943 users on 1,682 movies; genres rebuilt from u.item's flags."""
    folder = dataset_dir("movielens-100k", locator, progress) / "ml-100k"
    ratings = pd.read_csv(folder / "u.data", sep="\t", header=None, names=RATING_COLUMNS)
    ratings["rating"] = ratings["rating"].astype(float)
    genre_names = pd.read_csv(folder / "u.genre", sep="|", header=None, names=["genre", "id"])["genre"].tolist()
    items = pd.read_csv(folder / "u.item", sep="|", header=None, encoding="latin-1", names=_ITEM_FIELDS + genre_names)
    flags = items[genre_names].astype(bool)
    genres = flags.apply(lambda row: "|".join(g for g in genre_names if row[g]) or "(no genres listed)", axis=1)
    movies = pd.DataFrame({"item": items["item"], "title": items["title"], "genres": genres})
    return MovieLens(ratings, movies)


LOADERS = {"ml-latest-small": load_movielens_small, "ml-100k": load_movielens_100k}
"""Data set name (as on the page and in the bench) to loader."""
DATASET_KEYS = {"ml-latest-small": "movielens-small", "ml-100k": "movielens-100k"}
"""Data set name to registry key (for attribution and checksums)."""
