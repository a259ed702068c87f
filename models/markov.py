"""Markov chains over customer journeys: conversion probability, attribution, next-step prediction.

A chain of order k has one state per sequence of the last k (or fewer, at the
start) channels, plus ``(start)`` and the absorbing ``(conversion)`` and
``(null)``. Transitions are counted from aggregated paths, each weighted by
how many customers followed it. The conversion probability from ``(start)``
comes from absorbing-chain algebra: with Q the transient-to-transient block,
x = (I - Q)^-1 r, where r is each state's one-step probability of converting.
Removing a channel sends everyone who would have reached it to ``(null)``;
the relative drop in conversion probability is its removal effect, and
conversions (and value) are attributed in proportion to removal effects, as
ChannelAttribution's ``markov_model`` does.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import bicgstab, spsolve

from core.errors import InputError

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
State = tuple[str, ...]

MAX_STATES = 10_000
"""Channel states a chain may have. Order k multiplies them: PathData's 12 channels give 12, 124 and 966
states at orders 1-3; 50 channels (``data.attribution.MAX_CHANNELS``) over 3,000 varied paths give 50, 2,550
and 9,315. Up to 10,000 entries OpenBLAS runs the solver's vector products on one thread; above, it spreads
them over threads that fight for the two cores: attributing 19,408 states took 70 s, 9,315 states 0.8 s
(``tests/test_hostile_uploads.py`` prints the time). A lower order always fits."""
SOLVE_TOLERANCE = 1e-12  # relative residual of the iterative solve; the page shows probabilities to 4 digits


def _state_name(state: State) -> str:
    return " > ".join(state)


def markov_column(order: int) -> str:
    """The column of conversions attributed by the chain of this order in ``compare_attribution``."""
    return f"markov_order_{order}"


class MarkovChain:
    """Markov chain of order ``k`` fitted on aggregated journeys (see ``data.attribution``)."""

    def __init__(self, order: int = 1):
        if order not in (1, 2, 3):
            raise ValueError("order must be 1, 2 or 3")
        self.order = order

    def _states_of(self, path: list[str]) -> list[State]:
        return [tuple(path[max(0, i - self.order + 1): i + 1]) for i in range(len(path))]

    def fit(self, journeys: pd.DataFrame) -> "MarkovChain":
        """Count weighted transitions; keep value per conversion for value attribution."""
        counts: dict[State, Counter] = defaultdict(Counter)
        conversion_value: Counter = Counter()
        for path, conversions, value, nulls in journeys[
            ["path", "total_conversions", "total_conversion_value", "total_null"]
        ].itertuples(index=False):
            weight = conversions + nulls
            if weight == 0 or not path:
                continue
            states = [(START,)] + self._states_of(path)
            for here, there in zip(states, states[1:]):
                counts[here][there] += weight
            counts[states[-1]][(CONVERSION,)] += conversions
            counts[states[-1]][(NULL,)] += nulls
            conversion_value[states[-1]] += value
            if len(counts) > MAX_STATES + 1:  # (start) is not a channel state
                raise InputError(
                    f"A Markov chain of order {self.order} over these journeys has more than {MAX_STATES:,} states "
                    f"(sequences of up to {self.order} channels); the limit is {MAX_STATES:,} so that attribution "
                    "stays quick. Choose a lower order, or group channels.")
        self.transient_ = [(START,)] + sorted(s for s in counts if s != (START,))
        self.index_ = {s: i for i, s in enumerate(self.transient_)}
        self.last_channel_ = np.array([s[-1] for s in self.transient_])  # the channel a transition into a state enters
        self.channels_ = sorted({c for s in self.transient_[1:] for c in s})
        self.counts_ = counts
        self.value_per_conversion_ = np.array([
            conversion_value[s] / counts[s][(CONVERSION,)] if counts[s][(CONVERSION,)] else 0.0
            for s in self.transient_
        ])
        self.total_conversions_ = float(journeys.total_conversions.sum())
        self.total_value_ = float(journeys.total_conversion_value.sum())
        self._build()
        return self

    def _build(self) -> None:
        """Row-normalised transition blocks: Q among transient states, r_conv and r_null to the absorbing ones."""
        n = len(self.transient_)
        rows, cols, probs = [], [], []
        self.to_conversion_, self.to_null_ = np.zeros(n), np.zeros(n)
        for state, outgoing in self.counts_.items():
            i, total = self.index_[state], sum(outgoing.values())
            for target, weight in outgoing.items():
                p = weight / total
                if target == (CONVERSION,):
                    self.to_conversion_[i] += p
                elif target == (NULL,):
                    self.to_null_[i] += p
                elif target in self.index_:
                    rows.append(i), cols.append(self.index_[target]), probs.append(p)
                else:  # a state seen only as a target never left: it ends in null
                    self.to_null_[i] += p
        self.Q_ = sparse.csr_matrix((probs, (rows, cols)), shape=(n, n))

    def absorption(self, reward: np.ndarray, removed: str | None = None) -> float:
        """Expected reward collected on absorption from (start): x = (I - Q)^-1 (r * reward)."""
        Q = self.Q_
        r = self.to_conversion_ * reward
        if removed is not None:
            entering_removed = self.last_channel_ == removed
            Q = Q @ sparse.diags((~entering_removed).astype(float))  # those transitions now end in (null)
            r = np.where(entering_removed, 0.0, r)
        return float(_solve(sparse.identity(Q.shape[0], format="csr") - Q, r)[0])

    def conversion_probability(self, removed: str | None = None) -> float:
        """Probability that a journey starting at (start) ends in (conversion)."""
        return self.absorption(np.ones(len(self.transient_)), removed)

    def removal_effects(self) -> pd.DataFrame:
        """Per channel: relative drop in conversion probability and in expected value when it is removed."""
        base_p = self.conversion_probability()
        base_v = self.absorption(self.value_per_conversion_)
        rows = [{
            "channel": c,
            "removal_effect": 1 - self.conversion_probability(removed=c) / base_p,
            "removal_effect_value": 1 - self.absorption(self.value_per_conversion_, removed=c) / base_v if base_v else 0.0,
        } for c in self.channels_]
        return pd.DataFrame(rows)

    def attribution(self) -> pd.DataFrame:
        """Conversions and value per channel, proportional to removal effects, summing to the totals."""
        effects = self.removal_effects()
        effects["conversions"] = self.total_conversions_ * effects.removal_effect / effects.removal_effect.sum()
        value_share = effects.removal_effect_value / effects.removal_effect_value.sum() if effects.removal_effect_value.sum() else 0
        effects["value"] = self.total_value_ * value_share
        return effects

    def transition_matrix(self) -> pd.DataFrame:
        """Transition probabilities, states (and absorbing states) as labels."""
        labels = [_state_name(s) for s in self.transient_]
        frame = pd.DataFrame(self.Q_.toarray(), index=labels, columns=labels)
        frame[CONVERSION], frame[NULL] = self.to_conversion_, self.to_null_
        return frame

    def simulate(self, n_journeys: int = 100_000, max_steps: int = 500, seed: int = 0) -> float:
        """Monte-Carlo conversion rate: walk ``n_journeys`` customers from (start) until absorbed."""
        rng = np.random.default_rng(seed)
        n = len(self.transient_)
        absorbing = sparse.csr_matrix(np.column_stack([self.to_conversion_, self.to_null_]))
        full = sparse.hstack([self.Q_, absorbing], format="csr")  # columns n, n+1 = conversion, null
        row_of_entry = np.repeat(np.arange(n), np.diff(full.indptr))
        cumulative = np.zeros_like(full.data)
        for i in range(n):  # cumulative probabilities within each row, offset by the row number
            lo, hi = full.indptr[i], full.indptr[i + 1]
            cumulative[lo:hi] = np.cumsum(full.data[lo:hi]) / max(full.data[lo:hi].sum(), 1e-300)
            cumulative[hi - 1] = 1.0  # no rounding gap for a draw to fall through into the next row
        cumulative += row_of_entry
        state = np.zeros(n_journeys, dtype=np.int64)
        converted = np.zeros(n_journeys, dtype=bool)
        alive = np.ones(n_journeys, dtype=bool)
        for _ in range(max_steps):
            walkers = np.flatnonzero(alive)
            if walkers.size == 0:
                break
            draw = state[walkers] + rng.random(walkers.size) * (1 - 1e-12)
            entry = np.minimum(np.searchsorted(cumulative, draw, side="right"), len(cumulative) - 1)
            state[walkers] = full.indices[entry]
            ended = state[walkers] >= n
            converted[walkers[ended]] = state[walkers[ended]] == n
            alive[walkers[ended]] = False
        return float(converted.mean())

    def unknown_channels(self, path: list[str]) -> list[str]:
        """The channels of ``path`` that no fitted journey touched."""
        return [channel for channel in path if channel not in self.channels_]

    def next_steps(self, partial_path: list[str], top: int = 5) -> pd.DataFrame:
        """Most likely next steps (channels, conversion or null) after ``partial_path``, backing off to shorter history."""
        steps, history = self._next_steps(partial_path, top)
        frame = pd.DataFrame(steps, columns=["next", "probability"])
        frame.attrs["history_used"] = _state_name(history)
        return frame

    def _next_steps(self, partial_path: list[str], top: int) -> tuple[list[tuple[str, float]], State]:
        """``next_steps`` as (step, probability) pairs, and the state whose transitions gave them."""
        lengths = range(min(self.order, len(partial_path)), 0, -1)
        history = next((tuple(partial_path[-n:]) for n in lengths if tuple(partial_path[-n:]) in self.counts_), (START,))
        outgoing = self.counts_[history]
        total = sum(outgoing.values())
        steps = Counter()
        for target, weight in outgoing.items():
            steps[target[-1]] += weight / total
        return steps.most_common(top), history


def _solve(matrix: sparse.spmatrix, rhs: np.ndarray) -> np.ndarray:
    """x with matrix @ x = rhs for matrix = I - Q of an absorbing chain: iteratively, factorised if that does not converge.

    A direct factorisation of a second-order chain over 50 channels (2,550 states) fills in
    to millions of entries (3.5 s a solve, measured); BiCGSTAB takes milliseconds.
    """
    solution, info = bicgstab(matrix, rhs, rtol=SOLVE_TOLERANCE, atol=0.0)
    if info != 0:
        solution = spsolve(matrix.tocsc(), rhs)
    return solution


def heuristic_attribution(journeys: pd.DataFrame) -> pd.DataFrame:
    """First-touch, last-touch and linear (equal share per touchpoint) conversions and value per channel."""
    totals: dict[str, Counter] = defaultdict(Counter)
    for path, conversions, value, _ in journeys[
        ["path", "total_conversions", "total_conversion_value", "total_null"]
    ].itertuples(index=False):
        totals["first_touch"][path[0]] += conversions
        totals["first_touch_value"][path[0]] += value
        totals["last_touch"][path[-1]] += conversions
        totals["last_touch_value"][path[-1]] += value
        for channel in path:
            totals["linear"][channel] += conversions / len(path)
            totals["linear_value"][channel] += value / len(path)
    frame = pd.DataFrame(totals).fillna(0.0)
    frame.index.name = "channel"
    return frame.reset_index().sort_values("channel", ignore_index=True)


def compare_attribution(journeys: pd.DataFrame, order: int = 1) -> pd.DataFrame:
    """Markov attribution of the given order beside the heuristics, one row per channel."""
    markov = MarkovChain(order).fit(journeys).attribution()
    markov = markov.rename(columns={"conversions": markov_column(order), "value": f"{markov_column(order)}_value"})
    return markov.merge(heuristic_attribution(journeys), on="channel", how="outer").fillna(0.0)


def attribution_by_model(table: pd.DataFrame, order: int, measure: str = "conversions") -> pd.DataFrame:
    """``compare_attribution``'s table as one row per channel and model: channel, model, then ``measure``.

    ``measure`` is "conversions" or "conversion value"; either way the models are
    named by their conversions column (markov_order_k, first_touch, last_touch, linear).
    """
    models = [markov_column(order), "first_touch", "last_touch", "linear"]
    columns = models if measure == "conversions" else [f"{model}_value" for model in models]
    shown = table[["channel", *columns]].set_axis(["channel", *models], axis=1)
    return shown.melt(id_vars="channel", var_name="model", value_name=measure)


def split_journeys(journeys: pd.DataFrame, test_share: float = 0.2, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out a random share of the customers (not of the distinct paths).

    Each row aggregates many customers; each one is held out independently, so
    a path's conversions and non-conversions are split binomially and its
    value in proportion to its conversions. Holding out whole distinct paths
    instead would leave every held-out path unseen in training and bias a
    higher-order chain against the paths' true endings.
    """
    rng = np.random.default_rng(seed)
    conversions = journeys.total_conversions.to_numpy().round().astype(np.int64)
    nulls = journeys.total_null.to_numpy().round().astype(np.int64)
    test_conversions = rng.binomial(conversions, test_share)
    test_nulls = rng.binomial(nulls, test_share)
    value_share = np.divide(test_conversions, conversions, out=np.zeros(len(journeys)), where=conversions > 0)
    test = journeys.assign(total_conversions=test_conversions, total_null=test_nulls,
                           total_conversion_value=journeys.total_conversion_value * value_share)
    train = journeys.assign(total_conversions=conversions - test_conversions, total_null=nulls - test_nulls,
                            total_conversion_value=journeys.total_conversion_value * (1 - value_share))
    keep = lambda frame: frame[(frame.total_conversions + frame.total_null) > 0].reset_index(drop=True)  # noqa: E731
    return keep(train), keep(test)


def next_step_accuracy(chain: MarkovChain, held_out: pd.DataFrame, top: int = 1) -> float:
    """Share of held-out steps (weighted by customers) whose true next step is in the chain's top predictions.

    Every prefix of every path is a question: after the first i channels, what
    comes next? After the last channel the answer is (conversion) for the
    path's converters and (null) for the rest.
    """
    correct = total = 0.0
    cache: dict[tuple, list[str]] = {}
    for path, conversions, _, nulls in held_out[
        ["path", "total_conversions", "total_conversion_value", "total_null"]
    ].itertuples(index=False):
        weight = conversions + nulls
        for i in range(1, len(path) + 1):
            key = tuple(path[max(0, i - chain.order): i])
            if key not in cache:
                cache[key] = [step for step, _ in chain._next_steps(list(key), top)[0]]
            predicted = cache[key]
            if i < len(path):
                correct += weight * (path[i] in predicted)
                total += weight
            else:
                correct += conversions * (CONVERSION in predicted) + nulls * (NULL in predicted)
                total += weight
    return correct / total if total else float("nan")


def order_comparison(journeys: pd.DataFrame, test_share: float = 0.2, seed: int = 0) -> pd.DataFrame:
    """Next-step accuracy (top-1 and top-3) on held-out journeys for orders 1, 2 and 3.

    An order whose chain would pass ``MAX_STATES`` is left out of the scores, with a
    ``note`` column saying why.
    """
    train, test = split_journeys(journeys, test_share, seed)
    rows = []
    for order in (1, 2, 3):
        try:
            chain = MarkovChain(order).fit(train)
        except InputError as error:
            rows.append({"order": order, "note": str(error)})
            continue
        rows.append({"order": order, "states": len(chain.transient_) - 1,
                     "top1_accuracy": next_step_accuracy(chain, test, top=1),
                     "top3_accuracy": next_step_accuracy(chain, test, top=3)})
    table = pd.DataFrame(rows)
    return table.fillna({"note": ""}) if "note" in table else table


def path_summary(journeys: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Path-length distribution, top paths and channel frequencies, weighted by customers."""
    customers = journeys.total_conversions + journeys.total_null
    lengths = pd.DataFrame({"length": journeys.path.map(len), "customers": customers}).groupby("length").sum()
    top = journeys.assign(path=journeys.path.map(_state_name), customers=customers,
                          conversion_rate=journeys.total_conversions / customers.where(customers > 0))
    touches = Counter()
    for path, weight in zip(journeys.path, customers):
        for channel in path:
            touches[channel] += weight
    channels = pd.DataFrame(touches.most_common(), columns=["channel", "touches"])
    return {
        "lengths": lengths.reset_index(),
        "top_paths": top.nlargest(15, "customers")[["path", "customers", "total_conversions", "conversion_rate"]],
        "channels": channels,
    }
