"""The Content-Security-Policy: every page of ours is held to its own assets, with no inline
script, style or eval; pages from Django's admin, DRF and Swagger UI get inline styles only."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_our_pages_allow_only_their_own_assets(client, manager):
    client.force_login(manager)
    policy = _policy(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_the_sign_in_page_has_the_policy_too(client):
    assert _policy(client.get("/accounts/login/"))["script-src"] == ["'self'"]


@pytest.mark.parametrize("url", ["/admin/", "/api/v1/", "/api/v1/docs/"])
def test_third_party_pages_get_inline_styles_but_never_inline_scripts(client, manager, url):
    client.force_login(manager)
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


def test_swagger_ui_starts_from_a_script_file_not_an_inline_one(client, manager):
    client.force_login(manager)
    page = client.get("/api/v1/docs/").content.decode()
    assert not re.search(r"<script>(?!\s*</script>)", page)


def test_no_template_of_ours_has_an_inline_script_style_or_handler():
    """What the browser would refuse under the policy: inline <script>, <style>, style="…" and on…=."""
    offending = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>",
            r"<style",
            r"\sstyle=",
            r"\son[a-z]+=",
        ):
            if re.search(pattern, text):
                offending.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert offending == []
