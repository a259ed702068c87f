"""Forecasting with Prophet: series preparation, the model, baselines and metrics."""
