"""What the recommender's data and results say, shaped for reading: sizes, winners, labels and the scale's steps."""
from __future__ import annotations

import pandas as pd

from models.recommender.model import GRID_MEASURES, MAX_ITEM_BASED_ITEMS


def matrix_density(ratings: pd.DataFrame) -> float:
    """The share of the user × movie matrix's cells that hold a rating."""
    return len(ratings) / (ratings["user"].nunique() * ratings["item"].nunique())


def neighbour_population(ratings: pd.DataFrame, user_based: bool) -> int:
    """How many candidate neighbours k-NN has: the users, or the movies item-based k-NN keeps."""
    if user_based:
        return ratings["user"].nunique()
    return min(ratings["item"].nunique(), MAX_ITEM_BASED_ITEMS)


def at_ceiling(recommendations: pd.DataFrame, high: float) -> int:
    """How many recommendations are predicted at the top of the rating scale (``high``)."""
    return int((recommendations["predicted rating"] >= high).sum())


def rating_steps(low: float, high: float) -> list[float]:
    """The ratings a person can give on a ``low``..``high`` scale: half stars when it starts at one, else whole."""
    return [x / 2 for x in range(int(low * 2), int(high * 2) + 1, 1 if low % 1 else 2)]


def additive_terms(parts: pd.DataFrame) -> pd.DataFrame:
    """The terms that add up to an estimate (``term``, ``value``), named short, without their "of which" details."""
    terms = parts[~parts["term"].str.startswith("  of which")]
    return pd.DataFrame({"term": [term.split(" (")[0] for term in terms["term"]], "value": list(terms["value"])})


def comparison_winners(cv: pd.DataFrame, split: pd.DataFrame, k: int) -> list[tuple[str, str, float]]:
    """(what, algorithm, value) of the lowest cross-validated RMSE and the best precision@k and recall@k."""
    winners = []
    for label, table, column, best in [("Lowest RMSE", cv, "RMSE", "idxmin"),
                                       (f"Best precision@{k}", split, f"precision@{k}", "idxmax"),
                                       (f"Best recall@{k}", split, f"recall@{k}", "idxmax")]:
        winner = table.loc[getattr(table[column], best)()]
        winners.append((label, winner["algorithm"], winner[column]))
    return winners


def cv_errors(cv: pd.DataFrame) -> pd.DataFrame:
    """Cross-validation's RMSE and MAE in long form: one row per algorithm and metric, with its ``std`` over folds."""
    errors = cv.melt(id_vars="algorithm", value_vars=["RMSE", "MAE"], var_name="metric", value_name="error")
    errors["std"] = cv.melt(value_vars=["RMSE std", "MAE std"])["value"].to_numpy()
    return errors


def combination_labels(table: pd.DataFrame) -> pd.Series:
    """Each row of a grid search's table as the label of its parameter values ("50, 20, 0.005, 0.02")."""
    return table.drop(columns=list(GRID_MEASURES)).astype(str).agg(", ".join, axis=1)


def describe_parameters(params: dict) -> str:
    """Parameters as "name = value" pairs, comma-separated."""
    return ", ".join(f"{name} = {value}" for name, value in params.items())
