"""Plotly figures, made inert and accessible: every chart has its table and its sentence."""
