"""Indicators, operating data, evaluations and results-based budgets (DESIGN.md "Outcomes")."""

from evaluation.models.budget import BudgetAdjustment, BudgetPolicy, BudgetRequest
from evaluation.models.indicators import Category, Indicator, IndicatorTarget, Source
from evaluation.models.operations import Filing, Measurement, Rating, RatingTally, Rectification, Spending, Ticket
from evaluation.models.results import Evaluation, Grade

__all__ = [
    "BudgetAdjustment",
    "BudgetPolicy",
    "BudgetRequest",
    "Category",
    "Evaluation",
    "Filing",
    "Grade",
    "Indicator",
    "IndicatorTarget",
    "Measurement",
    "Rating",
    "RatingTally",
    "Rectification",
    "Source",
    "Spending",
    "Ticket",
]
