"""Response headers and the load balancer's probe, ahead of everything else in the middleware.

- ``HealthProbeMiddleware`` answers ``/healthz`` first of all: over plain HTTP from the load
  balancer behind the TLS proxy (no redirect to HTTPS), whatever Host it sends (often an IP
  address not in ALLOWED_HOSTS), without a session or a user — and only "up" or "down".
- ``ThirdPartyStylesMiddleware`` widens the Content-Security-Policy for pages whose templates we
  do not write (the admin, DRF's browsable API, Swagger UI), which carry ``style="…"`` attributes
  and ``<style>`` blocks: inline *styles* only there; scripts stay 'self' everywhere. The policy
  itself is CONTENT_SECURITY_POLICY in settings, set by django-csp.
"""

from csp.constants import UNSAFE_INLINE
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

from portfolio import health

HEALTH_PATH = "/healthz"
THIRD_PARTY_PAGES = ("/admin/", "/api/")


class HealthProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        up = health.is_up()
        response = JsonResponse({"status": "ok" if up else "unavailable"}, status=200 if up else 503)
        add_never_cache_headers(response)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return response


class ThirdPartyStylesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(THIRD_PARTY_PAGES) and "html" in response.get("Content-Type", ""):
            response._csp_update = {**(getattr(response, "_csp_update", None) or {}), "style-src": [UNSAFE_INLINE]}
        return response
