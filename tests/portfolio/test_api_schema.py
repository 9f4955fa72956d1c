import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/auth/token/" in text
    assert "/api/v1/systems/{id}/" in text


@pytest.mark.django_db
def test_the_interactive_docs_load_their_assets_from_the_app(client, owner):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page references its scripts and styles"
    for asset in assets:
        # Static files, and Swagger UI's start-up script, which the docs view serves itself (no
        # inline script: the Content-Security-Policy allows scripts from the app's URLs only).
        assert asset.startswith(("/static/", "/api/v1/docs/?script")), f"{asset} is not served by the app"
        assert client.get(asset).status_code == 200, asset
