"""What every lifecycle in the system shares: a transition table and the errors it raises.

Projects (申报 → 验收) and key tasks (交办 → 销号) each declare a small table of which action
leads from which states to which state; this module answers "what may happen next" from that
table and raises the refusals the API maps to HTTP codes in one place
(portfolio.api.exceptions): an action not allowed from the current state (409), a change to
a write that conflicts with a record or a decision (409), an action this user may not take (403), and an action missing
what it needs (400). Pure Python, no queries.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """Base class: a refused action. Nothing has been changed when one is raised."""


class InvalidTransition(WorkflowError):
    """The action is not allowed from the object's current state (HTTP 409)."""

    def __init__(
        self,
        *,
        state_field: str,
        state: str,
        state_label: str,
        action: str,
        action_label: str,
        allowed: Mapping[str, str],
    ):
        self.state_field = state_field  # "stage" for projects, "status" for tasks
        self.state, self.state_label = state, state_label
        self.action, self.action_label = action, action_label
        self.allowed = dict(allowed)  # action code -> label, in table order
        allowed_text = "、".join(str(label) for label in self.allowed.values()) or _("none")
        message = _(
            "“%(action)s” is not allowed while the current state is “%(state)s”. Allowed actions: %(allowed)s."
        ) % {
            "action": action_label,
            "state": state_label,
            "allowed": allowed_text,
        }
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class ActionNotPermitted(WorkflowError):
    """The user may see the object but may not take this action (HTTP 403)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(WorkflowError):
    """The write conflicts with what is recorded (HTTP 409): the record exists already, or a
    decision rests on it (a final amount, a closed budget year), so it is no longer changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RequirementsNotMet(WorkflowError):
    """The action lacks what it needs, e.g. a comment or an approved budget (HTTP 400).

    ``errors`` maps a field name (or "non_field_errors") to a list of messages, the same shape as
    a form's or a serializer's errors, so pages and the API show them beside the right field.
    """

    def __init__(self, errors: Mapping[str, str | Iterable[str]]):
        self.errors = {
            field: [str(messages)] if isinstance(messages, str | Promise) else [str(m) for m in messages]
            for field, messages in errors.items()
        }
        super().__init__("; ".join(message for messages in self.errors.values() for message in messages))


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str


class TransitionTable:
    """A lifecycle's table: ``{action: (from states, to state)}``, kept in declaration order."""

    def __init__(
        self, table: Mapping[str, tuple[Iterable[str], str]], *, state_field: str, state_labels, action_labels
    ):
        self.state_field = state_field
        self.transitions = {
            action: Transition(action, frozenset(sources), target) for action, (sources, target) in table.items()
        }
        self.state_labels = state_labels
        self.action_labels = action_labels

    @property
    def actions(self) -> list[str]:
        return list(self.transitions)

    def allowed(self, state: str) -> list[str]:
        """The actions the table allows from ``state``, whoever asks."""
        return [action for action, t in self.transitions.items() if state in t.sources]

    def target(self, state: str, action: str) -> str:
        """The state ``action`` leads to from ``state``; InvalidTransition if it may not."""
        transition = self.transitions.get(action)
        if transition is None or state not in transition.sources:
            raise InvalidTransition(
                state_field=self.state_field,
                state=state,
                state_label=str(self.state_labels.get(state, state)),
                action=action,
                action_label=str(self.action_labels.get(action, action)),
                allowed={a: str(self.action_labels.get(a, a)) for a in self.allowed(state)},
            )
        return transition.target
