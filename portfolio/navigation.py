"""Navigation and home-page panels contributed by each app.

``portfolio`` imports no other app, yet its layout shows every app's pages. Each app's AppConfig
declares ``nav_items`` (menu entries, by role; several of one app visible to a role fold into a
dropdown) and may define ``home_panels(request)`` (cards on the signed-in user's home page);
this module collects them from the installed apps, the way Django itself discovers admin
modules, without an import across the layers.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse

ALL_ROLES = frozenset({"owner", "reviewer", "manager", "supervisor", "finance"})


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset = ALL_ROLES
    order: int = 100
    icon: str = ""
    grouped: bool = True  # False: always its own menu entry (e.g. Home)


@dataclass
class Panel:
    """A card on the home page: a template and its context."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    width: int = 6  # Bootstrap columns out of 12 on wide screens


def _role(user) -> str | None:
    if user.is_superuser and not user.role:
        return "manager"  # a superuser without a role is treated as the portfolio office
    return user.role or None


def nav_items(request) -> list[dict]:
    """The menu for this user: each app's visible entries, as one dropdown per app when it has
    several for this role (labelled ``nav_group_label`` or the app's verbose name), else flat."""
    user = request.user
    if not user.is_authenticated:
        return []
    role = _role(user)
    groups = []
    for config in apps.get_app_configs():
        entries = []
        for item in getattr(config, "nav_items", ()):
            if role not in item.roles:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            active = request.path == url if url == "/" else request.path.startswith(url)
            entries.append({"label": item.label, "url": url, "icon": item.icon, "active": active, "order": item.order})
            if not item.grouped:
                groups.append([entries.pop()])
        if entries:
            label = getattr(config, "nav_group_label", config.verbose_name)
            groups.append(entries if len(entries) == 1 else [{"label": label, "children": entries}])
    flat = [entry for group in groups for entry in group]
    leaves = [leaf for entry in flat for leaf in entry.get("children", [entry])]
    # Of entries nested under one another (/projects/ and /projects/queue/), only the closest is active.
    matching = [leaf["url"] for leaf in leaves if leaf["active"]]
    for leaf in leaves:
        leaf["active"] = leaf["active"] and len(leaf["url"]) == max(map(len, matching))
    for entry in flat:
        if "children" in entry:
            entry["children"].sort(key=lambda child: child["order"])
            first = entry["children"][0]
            entry.update(order=first["order"], icon=first["icon"], active=any(c["active"] for c in entry["children"]))
    return sorted(flat, key=lambda entry: entry["order"])


def home_panels(request) -> list[Panel]:
    panels = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_panels", None)
        if callable(provider):
            panels.extend(provider(request))
    return sorted(panels, key=lambda panel: panel.order)
