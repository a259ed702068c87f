"""Price elasticity of demand: log-log regression on the USDA beef data or your own CSV."""
import pandas as pd
import streamlit as st

from components.chart_export import chart
from components.charts.diagnostics import derived_curve, fitted_curve, qq_plot, residuals_vs_fitted
from components.data_source import data_source
from components.data_status import load_or_explain
from components.feedback import explain_input_errors
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.table_export import table
from components.upload import choose_columns
from components.url_state import BIND
from data.beef import load_beef
from models.elasticity import (PriceElasticity, controls_comparable, controls_comparison, demand_data,
                               elasticity_by_group, guess_columns, price_grid, revenue_curve)

ensure_app_navigation()

st.title("Price elasticity of demand")
st.write(
    "Fit log(quantity) = a + b·log(price) by ordinary least squares. The slope **b is the price elasticity of "
    "demand (PED)**: the percentage change in quantity demanded for a 1% change in price."
)


@st.cache_data(show_spinner=False)
def beef() -> pd.DataFrame:
    return load_or_explain(load_beef)


LABELS = {"data": "Data", "years": "Years", "season": "Control for season", "trend": "Control for a time trend"}

link = LinkNote()
source = data_source("Data", "USDA beef, quarterly 1977-1999", "beef",
                     "A CSV with a header row: a price column, a quantity column and, optionally, a segment column "
                     "(product, region, ...) for one PED per segment. Comma, semicolon or tab separated.",
                     "Upload a CSV to estimate its elasticity.", upload_key="elasticity_upload")
quarter_dummies = time_trend = False
if source.built_in:
    data = beef()
    first, last = int(data.year.min()), int(data.year.max())
    years = st.slider("Years", first, last, (first, last), key="years", bind=BIND)
    data = data[data.year.between(*years)].reset_index(drop=True)
    left, right = st.columns(2)
    quarter_dummies = left.checkbox("Control for season (quarter dummies)", key="season", bind=BIND)
    time_trend = right.checkbox("Control for a time trend", key="trend", bind=BIND)
else:
    price_guess, quantity_guess = guess_columns(source.upload)
    price, quantity, segment = choose_columns(source.upload, {"Price column": price_guess,
                                                              "Quantity column": quantity_guess},
                                              optional="Segment column (optional)")
    with explain_input_errors():
        data = demand_data(source.upload, price, quantity, segment)
link.check(LABELS)

with explain_input_errors():
    model = PriceElasticity(quarter_dummies=quarter_dummies, time_trend=time_trend).fit(data)
estimate = model.estimate_

st.subheader("The estimate")
cols = st.columns(3)
cols[0].metric("PED (b)", f"{estimate.elasticity:.3f}")
cols[1].metric("Std. error", f"{estimate.std_error:.3f}")
cols[2].metric("95% confidence interval", f"{estimate.ci_low:.3f} to {estimate.ci_high:.3f}")
cols = st.columns(3)
cols[0].metric("p-value", f"{estimate.p_value:.2g}")
cols[1].metric("R²", f"{estimate.r_squared:.3f}")
cols[2].metric("Observations (n)", estimate.n)
st.info(estimate.reading())

if "segment" in data:
    st.subheader("PED per segment")
    table(elasticity_by_group(data, "segment"), "Price elasticity of demand per segment", "per_segment")

st.subheader("Data and fitted demand curve")
log_axes = st.toggle("Log axes", value=True, key="log", bind=BIND)
link.check({"log": "Log axes"})
prices = price_grid(data.price)
chart(fitted_curve(data, "price", "quantity", prices, model.demand_curve(prices), f"fit: PED {estimate.elasticity:.2f}",
                   log_axes, hover=("year", "quarter", "segment")),
      f"Demand: quantity against price, with the fitted log-log curve (PED {estimate.elasticity:.2f})", "demand_chart",
      source.source_line)

st.subheader("Residual diagnostics")
residuals = model.residuals()
left, right = st.columns(2)
with left:
    chart(residuals_vs_fitted(residuals.fitted, residuals.residual), "Residuals against fitted log(quantity)",
          "residuals_chart", source.source_line)
with right:
    chart(qq_plot(residuals.residual), "Normal Q-Q plot of the residuals", "qq_chart", source.source_line)

st.subheader("Revenue")
st.write("Revenue = price × quantity along the fitted demand curve. With inelastic demand (|PED| < 1) revenue rises "
         "with price; with elastic demand it falls.")
revenue = revenue_curve(model, price_grid(data.price, stretch=0.2))
chart(derived_curve(revenue, "price", "revenue", "revenue (price × quantity)"),
      "Revenue (price × quantity) along the fitted demand curve", "revenue_chart", source.source_line)

if source.built_in and controls_comparable(data):
    st.subheader("How the PED moves with controls")
    table(controls_comparison(data).round(4), "How the price elasticity moves with the controls", "controls")

with st.expander("Full regression summary"):
    st.code(model.summary_text(), language=None)

source.credit()
