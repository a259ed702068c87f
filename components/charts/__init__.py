"""Plotly charts by kind: diagnostics, time series, classification, ...; pages call these, never build figures themselves."""
