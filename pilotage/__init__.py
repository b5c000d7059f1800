"""Pilotage: dashboards, indicators and exports (reads only)."""
