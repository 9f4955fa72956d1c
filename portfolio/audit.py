"""Writing the audit trail (``AuditEvent``), from one place per kind of event.

- Every request gets a request id (a sane ``X-Request-ID`` from the caller or the proxy, else a
  new one), echoed in the response; ``RequestContextMiddleware`` keeps the request in a context
  variable so a row written anywhere below knows who, from where, in which request.
- Sign-ins, failures and sign-outs: Django's auth signals (the pages, the admin and the API token
  endpoint all send them), and ``records_throttled`` around ``portfolio.signin.sign_in``.
- Denials: every 403 answer (pages and API) in the middleware; a 404 for an object that exists
  but is hidden from the caller in the API's exception handler (``note_hidden``), where the
  view's model is known and telling the two apart costs one query.
- Transitions: ``transition()``, called by each lifecycle's service next to its own record.
- Accounts, passwords and organizations: model signals (``pre_save``/``post_save``/
  ``post_delete``), so the API, the pages, the admin and the shell are all covered.
- Imports: ``audited_import`` around the services that import (accepted or refused).
- Budget policy and adjustments: called by the evaluation services.
- Exports: every spreadsheet or CSV download answered with 2xx, in the middleware.

A row written inside a service's transaction commits or rolls back with the change it describes;
refusals are written after the refused transaction is gone, so they stay.
"""

import contextvars
import functools
import re
import uuid
from collections.abc import Callable, Mapping

from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portfolio.models import AuditEvent, AuditKind, Organization, User

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
EXPORT_TYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
# Names of the actions the trail itself uses (lifecycles pass their own table's names).
ACTION_LABELS = {
    "created": _("Created"),
    "changed": _("Changed"),
    "deleted": _("Deleted"),
    "page": _("Sign-in page"),
    "api": _("API"),
    "download": _("Download"),
    "command": _("Command line"),
    "get": "GET",
    "post": "POST",
    "put": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "tasks.import": _("Task list import"),
    "tasks.upload": _("Task list upload"),
    "evaluation.filing": _("Operating data filing"),
}
_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)
_importing: contextvars.ContextVar = contextvars.ContextVar("audit_importing", default=False)


# --- The request context --------------------------------------------------------------------
def request_id_from(value: str | None) -> str:
    """The caller's request id if it is one we can log safely, else a new one."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _address(request) -> str:
    from portfolio.signin import client_address  # the one rule for "the client's address"

    return client_address(request)[:64]


def _user_of(request):
    user = getattr(request, "user", None)  # DRF sets the token's user on the Django request too
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class RequestContextMiddleware:
    """Request id in and out, the request kept for the rows written below, 403s and exports logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = _request.set(request)
        try:
            response = self.get_response(request)
            self._after(request, response)
        finally:
            _request.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response

    def process_exception(self, request, exception):
        request._audit_reason = str(exception)[:1000]

    def _after(self, request, response):
        status = response.status_code
        if status == 403:
            data = getattr(response, "data", None)  # a DRF answer says why in "detail"
            reason = data.get("detail", "") if isinstance(data, Mapping) else getattr(request, "_audit_reason", "")
            record(AuditKind.DENIED, action=request.method.lower(), message=str(reason))
        elif (
            200 <= status < 300
            and not isinstance(response, FileResponse)  # an uploaded file handed back, not a report
            and response.get("Content-Type", "").split(";")[0] in EXPORT_TYPES
        ):
            disposition = response.get("Content-Disposition", "")
            name = re.search(r'filename="?([^";]+)', disposition)
            record(AuditKind.EXPORT, action="download", label=name.group(1) if name else request.path)


def record(
    kind: str,
    *,
    by=None,
    actor_name: str = "",
    action: str = "",
    action_label="",
    obj: Model | None = None,
    object_type: str = "",
    object_id="",
    label: str = "",
    before=None,
    after=None,
    message: str = "",
    request=None,
) -> AuditEvent:
    """Write one audit row. ``by`` defaults to the signed-in user of the current request."""
    request = request if request is not None else _request.get()
    http = getattr(request, "_request", request)  # a DRF Request wraps the Django one
    if by is None and http is not None:
        by = _user_of(http)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        label = label or str(obj)
    return AuditEvent.objects.create(
        actor=by if by is not None and getattr(by, "pk", None) else None,
        actor_name=(getattr(by, "username", "") if by is not None else "") or actor_name[:150],
        kind=kind,
        action=str(action)[:60],
        action_label=_in_site_language(action_label or ACTION_LABELS.get(str(action), ""))[:100],
        object_type=object_type[:100],
        object_id=str(object_id or "")[:64],
        object_label=str(label)[:300],
        before=before,
        after=after,
        message=str(message or "")[:4000],
        request_id=getattr(http, "request_id", "") if http is not None else "",
        address=_address(http) if http is not None else "",
        method=(getattr(http, "method", "") or "")[:10] if http is not None else "",
        path=(http.get_full_path()[:500] if hasattr(http, "get_full_path") else "") if http is not None else "",
    )


def _in_site_language(text) -> str:
    """Rendered once, when written, as notifications are: the trail reads the same to everyone."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


# --- Lifecycles, budget ---------------------------------------------------------------------
def transition(obj: Model, *, action, source: str, target: str, by, comment: str = "", field="status", label=""):
    """A lifecycle step (project stage, task status, notice status): from, to, who and why.
    ``action`` is the table's code, or ``(code, name)`` to store the action's name beside it."""
    action, action_label = action if isinstance(action, tuple) else (action, "")
    return record(
        AuditKind.TRANSITION,
        by=by,
        action=action,
        action_label=action_label,
        obj=obj,
        label=label,
        before={field: source},
        after={field: target},
        message=comment,
    )


# --- Sign-in ---------------------------------------------------------------------------------
def _signed_in(sender, request, user, **kwargs):
    record(AuditKind.SIGN_IN, by=user, request=request, action="api" if _is_api(request) else "page")


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))
    known = User.objects.filter(username=username).first() if username else None
    record(
        AuditKind.SIGN_IN_FAILED,
        by=known,
        actor_name=username,
        request=request,
        action="api" if _is_api(request) else "page",
    )


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditKind.SIGN_OUT, by=user, request=request)


def _is_api(request) -> bool:
    return bool(request is not None and getattr(request, "path", "").startswith("/api/"))


def records_throttled(sign_in: Callable) -> Callable:
    """Decorates ``sign_in``: an attempt refused by the throttle (the password never checked)."""

    @functools.wraps(sign_in)
    def wrapper(request, username, password, *args, **kwargs):
        from portfolio.signin import SignInThrottled  # signin is the module being decorated

        try:
            return sign_in(request, username, password, *args, **kwargs)
        except SignInThrottled as refused:
            record(
                AuditKind.SIGN_IN_THROTTLED,
                actor_name=str(username or ""),
                by=User.objects.filter(username=username).first() if username else None,
                request=request,
                action="api" if _is_api(request) else "page",
                message=f"retry after {refused.retry_after} s",
            )
            raise

    return wrapper


# --- Denials the API can tell apart: hidden, not missing --------------------------------------
def note_hidden(exc, context) -> None:
    """An API 404 for a row that exists but is not visible to the caller (one query, only on 404s)."""
    view = (context or {}).get("view")
    request = (context or {}).get("request")
    queryset = getattr(view, "queryset", None)
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
    value = getattr(view, "kwargs", {}).get(lookup)
    if queryset is None or value is None or request is None or _user_of(request) is None:
        return
    model = queryset.model
    field = getattr(view, "lookup_field", "pk")
    try:
        hidden = model._base_manager.filter(**{field: value}).exists()
    except (ValueError, TypeError):
        return
    if hidden:
        record(AuditKind.HIDDEN, request=request, object_type=model._meta.label_lower, object_id=value)


# --- Imports --------------------------------------------------------------------------------
def audited_import(source: str, describe: Callable = lambda result: None) -> Callable:
    """Decorates an import service: one row when it imports (``describe(result)`` as "after"),
    one when it refuses (the reason). Nested imports (a confirmation that runs the import) are
    recorded once, by the outermost call; a refusal is written after its transaction rolled back."""

    def decorator(service):
        @functools.wraps(service)
        def wrapper(*args, by=None, **kwargs):
            if _importing.get():
                return service(*args, by=by, **kwargs)
            token = _importing.set(True)
            try:
                result = service(*args, by=by, **kwargs)
            except Exception as refused:
                _importing.reset(token)
                record(AuditKind.IMPORT_REFUSED, by=by, action=source, message=_reason(refused))
                raise
            _importing.reset(token)
            record(AuditKind.IMPORT_ACCEPTED, by=by, action=source, after=describe(result))
            return result

        return wrapper

    return decorator


def _reason(error: Exception) -> str:
    errors = getattr(error, "errors", None) or getattr(error, "message_dict", None)
    if isinstance(errors, Mapping):
        return "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in errors.items())[:4000]
    return str(error)[:4000]


# --- Accounts and organizations ---------------------------------------------------------------
ACCOUNT_FIELDS = ("username", "name", "email", "organization", "role", "is_active", "is_staff", "is_superuser")
ORGANIZATION_FIELDS = ("name", "short_name", "aliases", "kind", "region", "parent", "is_active")
TRACKED = {User: (AuditKind.ACCOUNT, ACCOUNT_FIELDS), Organization: (AuditKind.ORGANIZATION, ORGANIZATION_FIELDS)}


def _snapshot(instance, fields) -> dict:
    """Field values as a reader needs them: a related organization or region by its name."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.is_relation:
            related = getattr(instance, field.attname) and getattr(instance, name)
            values[name] = str(related) if related else None
        else:
            values[name] = getattr(instance, name)
    return values


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        instance._audit_skip = True
        return
    instance._audit_skip = False
    old = sender._base_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_old = old


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or getattr(instance, "_audit_skip", False):
        return
    kind, fields = TRACKED[sender]
    old = getattr(instance, "_audit_old", None)
    after = _snapshot(instance, fields)
    if created or old is None:
        record(kind, action="created", obj=instance, after=after)
        return
    before = _snapshot(old, fields)
    changed = [name for name in fields if before[name] != after[name]]
    if changed:
        record(
            kind,
            action="changed",
            obj=instance,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    if sender is User and old.password != instance.password and not _same_password(instance, old.password):
        record(AuditKind.PASSWORD, action="changed", obj=instance)


def _same_password(user, old_hash: str) -> bool:
    """A hash upgraded at sign-in (a new hasher setting) is not a password change."""
    from django.contrib.auth.hashers import check_password

    raw = getattr(user, "_password", None)
    return raw is not None and check_password(raw, old_hash)


def _after_delete(sender, instance, **kwargs):
    kind, fields = TRACKED[sender]
    record(kind, action="deleted", obj=instance, before=_snapshot(instance, fields))


def connect() -> None:
    """Called once from PortfolioConfig.ready()."""
    auth_signals.user_logged_in.connect(_signed_in, dispatch_uid="audit_signed_in")
    auth_signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="audit_sign_in_failed")
    auth_signals.user_logged_out.connect(_signed_out, dispatch_uid="audit_signed_out")
    for model in TRACKED:
        uid = model._meta.label_lower
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit_pre_{uid}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"audit_post_{uid}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit_delete_{uid}")
