"""A JSON parser for bulk filing: reads the stream with its own size limit.

DRF's JSONParser reads ``request.body``, which Django caps at DATA_UPLOAD_MAX_MEMORY_SIZE
(2.5 MB): right for ordinary endpoints, but a list of 100,000 ratings is about 7 MB. Only the
operating-data endpoints use this parser, so the global cap stays where it is.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from portfolio.api.parsers import loads

BULK_MAX_BYTES = 64 * 1024 * 1024  # comfortably above 200,000 rows (ingest.MAX_ROWS)


class BulkJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(BULK_MAX_BYTES + 1) if stream is not None else b""
        if len(raw) > BULK_MAX_BYTES:
            raise ParseError(
                _("The request is larger than %(mb)d MB; split the data.") % {"mb": BULK_MAX_BYTES // 2**20}
            )
        try:
            text = raw.decode(parser_context.get("encoding", "utf-8") if parser_context else "utf-8")
        except UnicodeDecodeError as error:
            raise ParseError(_("The JSON is malformed: %(error)s") % {"error": error}) from None
        return loads(text)
