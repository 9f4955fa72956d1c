"""A delete refused because other records still refer to the row (``on_delete=PROTECT``).

Django raises ProtectedError (or RestrictedError) and nothing has been deleted. The API answers
409 with the kinds and counts of what still refers to it (portfolio.api.exceptions); a page shows
the same sentence as a message and goes back to where the user was (``ProtectedDeleteMiddleware``).
Only kinds and counts are named, never the rows: the referring rows may belong to another bureau.
"""

from collections import Counter

from django.contrib import messages
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

REFUSED_DELETES = (ProtectedError, RestrictedError)


def referrers(error: ProtectedError | RestrictedError) -> list[dict]:
    """``[{"kind": "project", "label": "项目", "count": 3}, …]``, largest first."""
    objects = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    counts = Counter(type(obj) for obj in objects)
    return [
        {"kind": model._meta.model_name, "label": str(model._meta.verbose_name), "count": count}
        for model, count in counts.most_common()
    ]


def refused_delete_message(error: ProtectedError | RestrictedError) -> str:
    what = "、".join(
        _("%(label)s (%(count)d)") % {"label": row["label"], "count": row["count"]} for row in referrers(error)
    )
    return _("It cannot be deleted: other records still refer to it: %(what)s.") % {"what": what}


class ProtectedDeleteMiddleware:
    """A page whose delete is refused shows why and goes back, instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, REFUSED_DELETES) or request.path.startswith("/api/"):
            return None
        messages.error(request, refused_delete_message(exception))
        back = request.headers.get("referer", "")
        allowed = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
        return redirect(back if back and allowed else "home")
