"""The API's JSON parser: malformed or absurdly nested JSON is a 400, never a 500.

Python's decoder raises RecursionError (not ValueError) on JSON nested about a thousand deep,
which DRF's parser lets through as a server error, on every JSON endpoint, the anonymous token
endpoint included. No request of this API nests deeper than a few levels, so anything deeper
than ``MAX_DEPTH`` is refused before a serializer walks it.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json  # strict: NaN and Infinity are not JSON

MAX_DEPTH = 32


def too_deep(data, limit: int = MAX_DEPTH) -> bool:
    """True if ``data`` nests lists or objects more than ``limit`` levels deep (no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(text):
    """``json.loads`` whose every failure is a ParseError with a message in the caller's language."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ParseError(_("The JSON is nested too deeply.")) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ParseError(_("The JSON is malformed: %(error)s") % {"error": error}) from None
    if too_deep(data):
        raise ParseError(_("The JSON is nested too deeply."))
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(_("The JSON is malformed: %(error)s") % {"error": error}) from None
        return loads(text)
