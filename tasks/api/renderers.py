"""Renderers that let ``?format=pdf`` and ``?format=docx`` reach the document actions (DRF reads
``format`` as a renderer's name). The views answer the file themselves; an error answer (404,
400) is written as JSON text."""

import json

from rest_framework import renderers

from tasks.documents import DOCX_TYPE


class _DocumentRenderer(renderers.BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json; charset=utf-8"
        return json.dumps(data, ensure_ascii=False).encode()


class PdfRenderer(_DocumentRenderer):
    media_type = "application/pdf"
    format = "pdf"


class DocxRenderer(_DocumentRenderer):
    media_type = DOCX_TYPE
    format = "docx"


DOCUMENT_RENDERERS = [renderers.JSONRenderer, PdfRenderer, DocxRenderer]
