"""Domain signals the tasks app sends (never post_save for business rules).

``task_status_changed(task, action, by)`` is sent inside the service's transaction after a task
moves through the cycle, for code that reacts to it without the tasks app knowing (an app that
marks a project at risk, an audit feed).
"""

from django.dispatch import Signal

task_status_changed = Signal()
