"""Indicators, operating data, evaluations and budgets. Built by the outcomes issue."""
