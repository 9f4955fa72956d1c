import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from projects.duplicates import check_duplicates
from projects.models import Project


class Command(BaseCommand):
    help = "Run the duplicate-construction check of one project and print the verdict with its evidence."

    def add_arguments(self, parser):
        parser.add_argument("project_id", type=int)
        parser.add_argument("--json", action="store_true", help="Print the report as the API's JSON.")

    def handle(self, *args, project_id, json=False, **options):
        try:
            project = Project.objects.select_related("owner_org", "domain").get(pk=project_id)
        except Project.DoesNotExist:
            raise CommandError(_("There is no project with id %(id)d.") % {"id": project_id}) from None
        report = check_duplicates(project)
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            return
        write = self.stdout.write
        write(f"{project} — {project.owner_org}")
        write(
            _("Verdict: %(verdict)s (confidence %(confidence).2f)")
            % {"verdict": report.verdict_label, "confidence": report.confidence}
        )
        for reason in report.reasons():
            write(f"  {reason}")
        if not report.matches:
            write(_("No close match."))
        for number, match in enumerate(report.matches, start=1):
            write(
                _("%(n)d. %(kind)s #%(id)d “%(name)s” (%(org)s): similarity %(similarity).2f%(domain)s")
                % {
                    "n": number,
                    "kind": match.kind_label,
                    "id": match.id,
                    "name": match.name,
                    "org": match.org_name,
                    "similarity": match.similarity,
                    "domain": _(", same domain") if match.same_domain else "",
                }
            )
            for shared in match.shared_functions:
                write(f"     {shared.proposal}  ≈  {shared.existing}  ({shared.similarity:.2f})")
            if not match.shared_functions and match.shared_words:
                write("     " + _("shared words: %(words)s") % {"words": "、".join(match.shared_words[:8])})


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
