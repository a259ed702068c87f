"""Price elasticity of demand: log-log regression on the USDA beef data or your own CSV."""
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components.charts.diagnostics import qq_plot, residuals_vs_fitted
from components.data_status import attribution, load_or_explain
from components.shell import ensure_app_navigation
from components.upload import csv_upload
from data.beef import load_beef
from data.user_csv import numeric_column
from models.elasticity import PriceElasticity, controls_comparison, elasticity_by_group, revenue_curve
from core.errors import InputError

ensure_app_navigation()

st.title("Price elasticity of demand")
st.write(
    "Fit log(quantity) = a + b·log(price) by ordinary least squares. The slope **b is the price elasticity of "
    "demand (PED)**: the percentage change in quantity demanded for a 1% change in price."
)


@st.cache_data(show_spinner=False)
def beef() -> pd.DataFrame:
    return load_or_explain(load_beef)


def choose_uploaded_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Let the analyst map their columns to price, quantity and an optional segment; validate them."""
    columns = list(frame.columns)

    def guess(word: str, fallback: int) -> int:
        return next((i for i, c in enumerate(columns) if word in c.lower()), min(fallback, len(columns) - 1))

    left, middle, right = st.columns(3)
    price = left.selectbox("Price column", columns, index=guess("price", 0))
    quantity = middle.selectbox("Quantity column", columns, index=guess("quant", 1))
    group = right.selectbox("Segment column (optional)", ["(none)"] + columns)
    if price == quantity:
        raise InputError("Price and quantity must be different columns.")
    tidy = pd.DataFrame({"price": numeric_column(frame, price), "quantity": numeric_column(frame, quantity)})
    if group != "(none)":
        tidy["segment"] = frame[group].astype(str)
    return tidy, None if group == "(none)" else "segment"


source = st.radio("Data", ["USDA beef, quarterly 1977-1999", "Upload your own CSV"], horizontal=True)
quarter_dummies = time_trend = False
group_column = None
if source.startswith("USDA"):
    data = beef()
    years = st.slider("Years", int(data.year.min()), int(data.year.max()), (int(data.year.min()), int(data.year.max())))
    data = data[data.year.between(*years)].reset_index(drop=True)
    left, right = st.columns(2)
    quarter_dummies = left.checkbox("Control for season (quarter dummies)")
    time_trend = right.checkbox("Control for a time trend")
else:
    st.caption("A CSV with a header row: a price column, a quantity column and, optionally, a segment column "
               "(product, region, ...) for one PED per segment. Comma, semicolon or tab separated.")
    uploaded = csv_upload("Your CSV", key="elasticity_upload", min_columns=2)
    if uploaded is None:
        st.info("Upload a CSV to estimate its elasticity.")
        st.stop()
    try:
        data, group_column = choose_uploaded_columns(uploaded)
    except InputError as error:
        st.error(str(error))
        st.stop()

try:
    model = PriceElasticity(quarter_dummies=quarter_dummies, time_trend=time_trend).fit(data)
except InputError as error:
    st.error(str(error))
    st.stop()
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

if group_column:
    st.subheader("PED per segment")
    st.dataframe(elasticity_by_group(data, group_column), hide_index=True, width="stretch")

st.subheader("Data and fitted demand curve")
log_axes = st.toggle("Log axes", value=True)
grid = np.linspace(data.price.min(), data.price.max(), 200)
scatter = px.scatter(data, x="price", y="quantity", log_x=log_axes, log_y=log_axes,
                     hover_data=[c for c in ("year", "quarter", "segment") if c in data])
scatter.add_trace(go.Scatter(x=grid, y=model.demand_curve(grid), mode="lines", name=f"fit: PED {estimate.elasticity:.2f}"))
st.plotly_chart(scatter, width="stretch")

st.subheader("Residual diagnostics")
residuals = model.residuals()
left, right = st.columns(2)
left.plotly_chart(residuals_vs_fitted(residuals.fitted, residuals.residual), width="stretch")
right.plotly_chart(qq_plot(residuals.residual), width="stretch")

st.subheader("Revenue")
st.write("Revenue = price × quantity along the fitted demand curve. With inelastic demand (|PED| < 1) revenue rises "
         "with price; with elastic demand it falls.")
revenue = revenue_curve(model, np.linspace(data.price.min() * 0.8, data.price.max() * 1.2, 200))
st.plotly_chart(px.line(revenue, x="price", y="revenue", labels={"revenue": "revenue (price × quantity)"}),
                width="stretch")

if source.startswith("USDA") and len(data) > 7:
    st.subheader("How the PED moves with controls")
    st.dataframe(controls_comparison(data).round(4), hide_index=True, width="stretch")

with st.expander("Full regression summary"):
    st.code(model.summary_text(), language=None)

if source.startswith("USDA"):
    attribution("beef")
else:
    st.caption("Data: your upload; it stays in this browser session and is not stored.")
