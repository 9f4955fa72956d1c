"""The one place where domain refusals become HTTP answers.

Domain code raises portfolio.workflow errors (or Django's ValidationError) and never imports DRF;
this handler maps them: not allowed from the current state → 409 naming the state and the allowed
actions; not this user's to take → 403; missing input → 400 with messages per field; a delete
that other records still refer to → 409 naming their kinds and counts. Messages are in the
caller's language (LocaleMiddleware reads Accept-Language; Chinese by default).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portfolio import audit
from portfolio.references import REFUSED_DELETES, referrers, refused_delete_message
from portfolio.signin import SignInThrottled
from portfolio.workflow import ActionNotPermitted, Conflict, InvalidTransition, RequirementsNotMet


def exception_handler(exc, context):
    if isinstance(exc, InvalidTransition):
        return Response(
            {
                "detail": exc.message,
                "code": "invalid_transition",
                exc.state_field: exc.state,
                f"{exc.state_field}_label": exc.state_label,
                "allowed_actions": list(exc.allowed),
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message, "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ActionNotPermitted):
        return Response({"detail": exc.message, "code": "permission_denied"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, RequirementsNotMet):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, REFUSED_DELETES):
        return Response(
            {"detail": refused_delete_message(exc), "code": "protected", "referenced_by": referrers(exc)},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, SignInThrottled):
        return Response(
            {
                "detail": _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.")
                % {"minutes": exc.minutes}
            },
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, Http404 | NotFound):
        audit.note_hidden(exc, context)  # a row that exists but is not the caller's to see
    return drf_exception_handler(exc, context)
