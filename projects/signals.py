"""Domain signals the projects app sends (never post_save for business rules).

``project_transitioned`` is sent once per lifecycle action, after the transaction that took it has
committed, so apps above ``projects`` (tasks, evaluation) can react without ``projects`` importing
them. Receivers get ``project_id``, ``record_id``, ``action``, ``from_stage``, ``to_stage`` and
``by_id`` as keyword arguments; ``sender`` is ``Project``.
"""

from django.dispatch import Signal

project_transitioned = Signal()
