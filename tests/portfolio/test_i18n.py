import os
import shutil

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="GNU gettext is not installed (apt-get install gettext); CI installs it",
)
def test_every_user_facing_string_has_a_current_chinese_translation():
    try:
        call_command("catalogues", "--check")
    except CommandError as error:
        pytest.fail(str(error))


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client, owner):
    client.force_login(owner)
    assert "消息通知" in client.get("/notifications/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Notifications" in client.get("/notifications/").content.decode()
