"""Attachments: the size limit enforced before the body is read, the type judged by content, a
server-generated stored name, downloads only for those who see the project, as attachments."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.lifecycle import AttachmentKind, Stage
from projects.models import Attachment
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(api, user, project, file, kind="application"):
    return api.as_(user).post(
        "/api/v1/attachments/", {"project": project.pk, "kind": kind, "file": file}, format="multipart"
    )


def test_owner_attaches_a_pdf_stored_under_a_generated_name(api, owner, make_project):
    project = make_project(Stage.DRAFT)
    response = upload(api, owner, project, pf.pdf("项目申报书.pdf"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["content_type"], body["kind"]) == ("项目申报书.pdf", "application/pdf", "application")
    stored = Attachment.objects.get().stored_name
    assert stored.startswith(f"projects/{project.pk}/") and stored.endswith(".pdf") and "申报书" not in stored
    assert default_storage.exists(stored)
    assert len(body["sha256"]) == 64


def test_html_renamed_pdf_is_refused_by_its_content(api, owner, make_project):
    project = make_project(Stage.DRAFT)
    response = upload(api, owner, project, SimpleUploadedFile("申报书.pdf", HTML, content_type="application/pdf"))
    assert response.status_code == 400
    assert "按文件内容而非文件名判断" in response.json()["file"][0]
    assert not Attachment.objects.exists()


def test_directories_in_the_file_name_are_dropped(api, owner, make_project):
    project = make_project(Stage.DRAFT)
    response = upload(api, owner, project, pf.pdf("../../etc/passwd.pdf"))
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.name == "passwd.pdf"
    assert ".." not in attachment.stored_name and "passwd" not in attachment.stored_name
    response = upload(api, owner, project, pf.pdf("..\\..\\windows\\申报书.pdf"))
    assert response.json()["name"] == "申报书.pdf"


@pytest.mark.parametrize("size", ["just over", "far over"])
def test_oversize_upload_is_refused_with_a_clear_message(api, owner, make_project, settings, size):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    project = make_project(Stage.DRAFT)
    extra = 10 if size == "just over" else 512 * 1024  # far over: refused from Content-Length, unread
    big = pf.pdf("大文件.pdf")
    content = big.read() + b"0" * (settings.UPLOAD_MAX_BYTES + extra)
    response = upload(api, owner, project, SimpleUploadedFile("大文件.pdf", content, "application/pdf"))
    assert response.status_code == 400
    assert "超过大小上限" in response.json()["file"][0]
    assert not Attachment.objects.exists()


def test_oversize_page_upload_answers_with_the_message_not_a_crash(client, owner, make_project, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    project = make_project(Stage.DRAFT)
    client.force_login(owner)
    content = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    response = client.post(
        f"/projects/{project.pk}/attachments/",
        {"kind": "application", "file": SimpleUploadedFile("大.pdf", content, "application/pdf")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "超过大小上限" in response.content.decode()
    assert not Attachment.objects.exists()


def test_page_upload_through_htmx_returns_the_refreshed_card(client, owner, make_project):
    project = make_project(Stage.DRAFT)
    client.force_login(owner)
    response = client.post(
        f"/projects/{project.pk}/attachments/",
        {"kind": "application", "file": pf.pdf("可研报告.pdf")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert "可研报告.pdf" in html and "文件已上传" in html
    bad = client.post(
        f"/projects/{project.pk}/attachments/",
        {"kind": "application", "file": SimpleUploadedFile("x.pdf", HTML, "application/pdf")},
        headers={"HX-Request": "true"},
    )
    assert "按文件内容而非文件名判断" in bad.content.decode()
    assert Attachment.objects.count() == 1


def test_download_is_an_attachment_with_nosniff(api, client, owner, make_project):
    project = make_project(Stage.DRAFT)
    attachment = pf.attachment(project, owner, name="批复.pdf")
    response = api.as_(owner).get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(owner)
    page = client.get(f"/projects/{project.pk}/attachments/{attachment.pk}/download/")
    assert page["Content-Disposition"].startswith("attachment;")


def test_each_kind_is_attached_by_its_role_at_its_stage(api, owner, manager, make_project):
    draft = make_project(Stage.DRAFT)
    assert upload(api, manager, draft, pf.pdf(), kind="application").status_code == 403
    assert upload(api, owner, draft, pf.pdf(), kind="approval").status_code == 403
    assert upload(api, owner, draft, pf.pdf(), kind="acceptance").status_code == 409
    prereview = make_project(Stage.PREREVIEW)
    assert upload(api, manager, prereview, pf.pdf(), kind="approval").status_code == 201
    assert upload(api, owner, prereview, pf.pdf(), kind="application").status_code == 409
    implementing = make_project(Stage.IMPLEMENTING)
    assert upload(api, owner, implementing, pf.pdf(), kind="acceptance").status_code == 201


def test_a_file_a_gate_record_lists_is_never_removed(api, owner, manager, make_project):
    from projects import services

    project = make_project(Stage.PREREVIEW)
    pf.expert_review(project, manager=manager)
    approval = pf.attachment(project, manager, kind=AttachmentKind.APPROVAL, name="立项批复.pdf")
    services.transition(project, "approve", by=manager, approved_budget="900000", approval_number="临数批〔2025〕5号")
    response = api.as_(manager).delete(f"/api/v1/attachments/{approval.pk}/")
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=approval.pk).exists()
    later = pf.attachment(project, manager, kind=AttachmentKind.APPROVAL, name="补充批复.pdf")
    assert api.as_(manager).delete(f"/api/v1/attachments/{later.pk}/").status_code == 204


def test_owner_removes_an_application_file_while_drafting(api, owner, make_project, django_capture_on_commit_callbacks):
    project = make_project(Stage.DRAFT)
    attachment = pf.attachment(project, owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.as_(owner).delete(f"/api/v1/attachments/{attachment.pk}/").status_code == 204
    assert not default_storage.exists(attachment.stored_name)
