"""Internals of :mod:`lrlessons.widgets` (one module per widget; ipywidgets imported here)."""
