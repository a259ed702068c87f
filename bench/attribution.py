"""Markov attribution on ChannelAttribution's PathData: totals, conversion probability, attribution per channel.

    .venv/bin/python -m bench.attribution
"""
import time

import pandas as pd

from data.attribution import load_path_data
from models.markov import MarkovChain, heuristic_attribution, order_comparison


def main() -> None:
    journeys = load_path_data()
    customers = journeys.total_conversions.sum() + journeys.total_null.sum()
    print(f"PathData: {len(journeys):,} distinct paths, {customers:,.0f} journeys, "
          f"{journeys.total_conversions.sum():,.0f} conversions, value {journeys.total_conversion_value.sum():,.3f}")
    for order in (1, 2):
        started = time.perf_counter()
        chain = MarkovChain(order).fit(journeys)
        exact = chain.conversion_probability()
        attribution = chain.attribution()
        seconds = time.perf_counter() - started
        simulated = chain.simulate(n_journeys=500_000, seed=1)
        print(f"\nOrder {order}: {len(chain.transient_) - 1} channel states; conversion probability from (start) "
              f"{exact:.5f} (fundamental matrix), {simulated:.5f} (Monte-Carlo, 500,000 walks); {seconds:.2f} s")
        table = attribution.set_index("channel")[["removal_effect", "conversions", "value"]]
        print(table.sort_values("conversions", ascending=False).round(3).to_string())
        print(f"sum of attributed conversions {table.conversions.sum():,.3f}, value {table.value.sum():,.3f}")
    print("\nHeuristic models (conversions):")
    print(heuristic_attribution(journeys).set_index("channel")[["first_touch", "last_touch", "linear"]].round(3).to_string())
    print("\nNext-step prediction on 20% held-out customers:")
    print(order_comparison(journeys).round(4).to_string(index=False))


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    main()
