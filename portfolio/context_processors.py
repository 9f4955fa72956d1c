from django.utils.functional import SimpleLazyObject

from portfolio.navigation import nav_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items(request)),
        "unread_notifications": SimpleLazyObject(lambda: user.notifications.unread().count()),
    }
