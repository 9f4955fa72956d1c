"""The OpenAPI schema documents every status the API answers, not only the happy one.

drf-spectacular documents 200/201/204 from the serializers; the refusals come from one exception
handler (portfolio.api.exceptions) and from DRF itself, the same for every endpoint, so they are
added here once: 400 (a wrong body or filter value), 401 and 403 (not signed in, not this user's
to do), 404 (a row that does not exist or that the caller may not see: the same answer), 409 (not
allowed in the current state, or still referred to), 415 (a body in a type the endpoint does not
read) and 429 (too many sign-in attempts). An endpoint that declares its own answer for a code
keeps it.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.permissions import AllowAny

ERROR = {
    "type": "object",
    "description": "A refusal: ``detail`` says why; a wrong body names each field with its messages.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": {},
}
DESCRIPTIONS = {
    "400": "The body or a parameter is wrong (each field named with its messages).",
    "401": "Not signed in.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such row, or not one the caller may see.",
    "409": "Not allowed in the current state, or other records still refer to the row.",
    "415": "The body is not in a type this endpoint reads.",
    "429": "Too many failed sign-in attempts.",
}


def _may_be_null(field) -> bool:
    """A read-only field whose value can be None: declared ``default=None``, or read through a
    relation that may be empty (DRF answers None when a step of a dotted source is None)."""
    if getattr(field, "default", empty) is None:
        return True
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    steps = (field.source or "").split(".")
    if model is None or len(steps) < 2:
        return False
    for step in steps[:-1]:
        try:
            relation = model._meta.get_field(step)
        except FieldDoesNotExist:
            return False
        if relation.null:
            return True
        model = relation.related_model
        if model is None:
            return False
    return False


class PlatformAutoSchema(AutoSchema):
    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if isinstance(field, serializers.EmailField) and field.read_only:
            schema.pop("format", None)  # a read-only address may be "" (an account without one)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if field.read_only and _may_be_null(field) and "$ref" not in schema:
            schema["nullable"] = True
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "404"]  # 404 on a list too: a page number past the last page
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        else:
            codes += ["429"]
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            codes.append("409")
        if self.method in {"POST", "PUT", "PATCH"}:
            codes.append("415")
        for code in codes:
            responses.setdefault(
                code,
                {"content": {"application/json": {"schema": ERROR}}, "description": DESCRIPTIONS[code]},
            )
        return responses
