"""The similarity index: one row per existing item, and its words (an inverted index).

The rows are a derived copy of projects, information systems and data resources, kept in step by
``projects.duplicates.index.sync`` (run by every check, and by the nightly refresh). Nothing edits
them by hand; ``manage.py rebuild_similarity_index`` throws them away and builds them again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.models import Domain, Organization


class Kind(models.TextChoices):
    PROJECT = "project", _("Project")
    SYSTEM = "system", _("Information system")
    DATA = "data", _("Data resource")


class SimilarityDocument(models.Model):
    """One indexed item: what the check compares a proposal with."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source_id = models.BigIntegerField(_("source id"))
    # The source's updated_at when it was indexed: a source whose updated_at differs has changed.
    source_updated_at = models.DateTimeField(_("source updated at"))
    # A digest of the indexed text, so the nightly refresh also catches edits that bypassed
    # updated_at (QuerySet.update, raw SQL, restored backups).
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    org = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.CASCADE, related_name="+")
    # projects.duplicates.text.Analysis.as_json(): the function units and the words.
    analysis = models.JSONField(_("analysis"))
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("similarity index entry")
        verbose_name_plural = _("similarity index entries")
        constraints = [models.UniqueConstraint(fields=["kind", "source_id"], name="similarity_document_unique_source")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source_id} {self.name}"


class SimilarityTerm(models.Model):
    """A word of an indexed item (a posting): finds the candidates sharing a proposal's words."""

    document = models.ForeignKey(
        SimilarityDocument, verbose_name=_("index entry"), on_delete=models.CASCADE, related_name="postings"
    )
    term = models.CharField(_("word"), max_length=40)

    class Meta:
        verbose_name = _("indexed word")
        verbose_name_plural = _("indexed words")
        constraints = [models.UniqueConstraint(fields=["term", "document"], name="similarity_term_unique_posting")]

    def __str__(self):
        return self.term
