"""The MovieLens loaders read GroupLens's files into the same two tidy frames."""
import pytest

from data.movielens import LOADERS, load_movielens_100k, load_movielens_small


@pytest.mark.parametrize("name, ratings, users, rated_movies, movies, scale", [
    ("ml-latest-small", 100_836, 610, 9_724, 9_742, (0.5, 5.0)),
    ("ml-100k", 100_000, 943, 1_682, 1_682, (1.0, 5.0)),
])
def test_both_releases_have_their_published_counts(name, ratings, users, rated_movies, movies, scale):
    data = LOADERS[name]()
    assert list(data.ratings.columns) == ["user", "item", "rating", "timestamp"]
    assert list(data.movies.columns) == ["item", "title", "genres"]
    assert len(data.ratings) == ratings
    assert data.ratings.user.nunique() == users and data.ratings.item.nunique() == rated_movies
    assert len(data.movies) == movies and data.movies.item.is_unique
    assert (data.ratings.rating.min(), data.ratings.rating.max()) == scale
    assert set(data.ratings.item) <= set(data.movies.item)


def test_small_titles_and_genres():
    movies = load_movielens_small().movies.set_index("item")
    assert movies.at[1, "title"] == "Toy Story (1995)"
    assert movies.at[1, "genres"] == "Adventure|Animation|Children|Comedy|Fantasy"


def test_100k_genres_are_rebuilt_from_the_flags_and_titles_decoded_as_latin1():
    movies = load_movielens_100k().movies.set_index("item")
    assert movies.at[1, "title"] == "Toy Story (1995)"
    assert movies.at[1, "genres"] == "Animation|Children's|Comedy"
    assert movies.title.str.contains("é").any()  # latin-1 accents read correctly
    ratings = load_movielens_100k().ratings
    assert ratings.rating.value_counts().sort_index().tolist() == [6110, 11370, 27145, 34174, 21201]
