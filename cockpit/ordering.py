"""How the projects-at-risk list sorts (the page's column headers and the API's ``?ordering=``)."""

from cockpit.models import LIGHT_ORDER

KEYS = {
    # Most serious first: the number of risks, then red before yellow.
    "risk": lambda s: (-len(s.risk_flags), -LIGHT_ORDER.get(s.computed, -1), s.project.code),
    "code": lambda s: s.project.code,
    "name": lambda s: s.project.name,
    "org": lambda s: (s.project.owner_org.name, s.project.code),
    "computed": lambda s: (-LIGHT_ORDER.get(s.computed, -1), s.project.code),
    "grade": lambda s: (s.grade or "Z", s.project.code),
}
DEFAULT = "risk"


def order_risks(risks, ordering: str | None):
    ordering = (ordering or DEFAULT).strip()
    reverse = ordering.startswith("-")
    key = KEYS.get(ordering.lstrip("-"), KEYS[DEFAULT])
    return sorted(risks, key=key, reverse=reverse)
