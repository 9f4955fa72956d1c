"""Indicators, operating data, evaluations and results-based budgets (DESIGN.md "Outcomes")."""

from evaluation.models.budget import BudgetAdjustment, BudgetPolicy, BudgetRequest
from evaluation.models.indicators import Category, Indicator, IndicatorTarget, Source
from evaluation.models.operations import (
    Filing,
    Measurement,
    OperatingTally,
    Rating,
    RatingTally,
    Rectification,
    Spending,
    Ticket,
)
from evaluation.models.results import Evaluation, EvaluationBasis, Grade

__all__ = [
    "BudgetAdjustment",
    "BudgetPolicy",
    "BudgetRequest",
    "Category",
    "Evaluation",
    "EvaluationBasis",
    "Filing",
    "Grade",
    "Indicator",
    "IndicatorTarget",
    "Measurement",
    "OperatingTally",
    "Rating",
    "RatingTally",
    "Rectification",
    "Source",
    "Spending",
    "Ticket",
]
