"""The shared upload rules: size enforced while reading, type by content, safe names."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from portfolio.uploads import (
    clean_display_name,
    download_response,
    refused_upload_message,
    store_upload,
    validate_upload,
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload_view(request):
    refused = refused_upload_message(request)
    if refused:
        return HttpResponse(refused, status=400)
    return HttpResponse(",".join(f"{k}:{f.size}" for k, f in request.FILES.items()))


urlpatterns = [path("upload/", upload_view)]


def test_a_pdf_is_accepted_by_its_content():
    checked = validate_upload(SimpleUploadedFile("申报书.pdf", PDF))
    assert (checked.extension, checked.content_type) == ("pdf", "application/pdf")
    assert len(checked.sha256) == 64


def test_html_renamed_to_pdf_is_refused():
    with pytest.raises(ValidationError, match="不接受此类文件"):
        validate_upload(SimpleUploadedFile("报告.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="文件为空"):
        validate_upload(SimpleUploadedFile("空.pdf", b""))


def test_the_display_name_loses_directories_and_control_characters():
    assert clean_display_name("../../etc/passwd") == "passwd"
    assert clean_display_name("C:\\Users\\x\\验收报告.docx") == "验收报告.docx"
    assert clean_display_name("a\x00b\n.pdf") == "ab.pdf"
    assert clean_display_name("..") == "file"


def test_the_stored_name_is_generated_by_the_server(settings, tmp_path):
    uploaded = SimpleUploadedFile("../../outside.png", PNG)
    name = store_upload(uploaded, validate_upload(uploaded), folder="evidence")
    assert name.startswith("evidence/") and name.endswith(".png")
    assert "outside" not in name and ".." not in name


def test_downloads_are_attachments_that_browsers_must_not_sniff(tmp_path):
    uploaded = SimpleUploadedFile("批复.pdf", PDF)
    name = store_upload(uploaded, validate_upload(uploaded), folder="t")
    response = download_response(name, display_name="批复文件.pdf", content_type="application/pdf")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.consumed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def multipart_request(file_size):
    """A real WSGI request with a multipart body holding one file of ``file_size`` bytes."""
    boundary = "BoUnDaRy"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"x" * file_size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    stream = CountingStream(body)
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )
    return WSGIRequest(environ), stream


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_an_oversize_upload_is_refused_before_its_body_is_read():
    request, stream = multipart_request(5 * 1024 * 1024)
    assert not request.FILES
    assert refused_upload_message(request) == "文件超过大小上限 1 MB。"
    assert stream.consumed == 0


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_a_file_just_over_the_limit_is_cut_off_as_it_streams_in():
    request, stream = multipart_request(1024 * 1024 + 20 * 1024)  # inside the form-overhead margin
    assert not request.FILES
    assert refused_upload_message(request) == "文件超过大小上限 1 MB。"
    assert stream.consumed <= 1024 * 1024 + 64 * 1024 + 1024  # never more than the form-overhead margin


@override_settings(ROOT_URLCONF=__name__, UPLOAD_MAX_BYTES=1024 * 1024)
def test_a_view_answers_an_oversize_upload_with_a_clear_message(client):
    response = client.post("/upload/", {"file": SimpleUploadedFile("big.pdf", b"x" * (2 * 1024 * 1024))})
    assert response.status_code == 400
    assert "文件超过大小上限" in response.content.decode()
    small = client.post("/upload/", {"file": SimpleUploadedFile("ok.pdf", PDF)})
    assert small.content.decode() == f"file:{len(PDF)}"
