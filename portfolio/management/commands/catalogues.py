"""Keep the Chinese catalogues of our apps current: ``manage.py catalogues [--check]``.

Each app keeps its own ``locale/zh_Hans/LC_MESSAGES/django.po`` (so apps can be changed side by
side without editing one shared file) and the compiled ``django.mo`` beside it, committed, so a
fresh machine needs no gettext tools to run. Without ``--check`` this extracts new strings into
each app's .po (``makemessages``) and recompiles the .mo; with it, it changes nothing and fails if
any string in the code or templates lacks a translation, or a .mo is older than its .po.

Run it from the repository root: Celery's Django fixup puts the working directory first on
``sys.path``, so starting Django inside ``portfolio/`` would import ``portfolio/tasks.py`` as the
``tasks`` app. This command starts at the root and changes directory only after set-up.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

APPS = ["portfolio", "projects", "tasks", "evaluation", "cockpit"]
LOCALE = "zh_Hans"


@contextlib.contextmanager
def working_directory(path: Path):
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def catalogue(app_dir: Path) -> Path:
    return app_dir / "locale" / LOCALE / "LC_MESSAGES" / "django.po"


def extract(app_dir: Path) -> None:
    (app_dir / "locale").mkdir(exist_ok=True)
    with working_directory(app_dir):
        call_command("makemessages", locale=[LOCALE], no_location=True, no_obsolete=True, verbosity=0)


def problems(app: str, app_dir: Path) -> list[str]:
    import polib

    po_path = catalogue(app_dir)
    if not po_path.exists():
        return [f"{app}: no catalogue at {po_path.relative_to(app_dir.parent)}"]
    committed = polib.pofile(str(po_path))
    translated = {(e.msgctxt, e.msgid): e for e in committed if e.translated() and not e.obsolete}
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / app
        shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
        extract(copy)
        for entry in polib.pofile(str(catalogue(copy))):
            if (entry.msgctxt, entry.msgid) not in translated:
                found.append(f"{app}: untranslated: {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        found.append(f"{app}: {mo_path.name} is missing; run manage.py catalogues")
    else:
        compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path))}
        expected = {k: e.msgstr or e.msgstr_plural for k, e in translated.items()}
        if compiled != expected:
            found.append(f"{app}: {mo_path.name} does not match {po_path.name}; run manage.py catalogues")
    return found


class Command(BaseCommand):
    help = "Extract and compile the zh_Hans catalogues of our apps, or --check that they are current."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Change nothing; fail if a catalogue is stale.")

    def handle(self, *args, check=False, **options):
        root = Path(settings.BASE_DIR)
        if shutil.which("xgettext") is None:
            raise CommandError("GNU gettext (xgettext) is needed: apt-get install gettext.")
        if check:
            found = [p for app in APPS for p in problems(app, root / app)]
            if found:
                raise CommandError("Stale catalogues:\n" + "\n".join(found))
            self.stdout.write("Catalogues are current.")
            return
        import polib

        for app in APPS:
            extract(root / app)
            po_path = catalogue(root / app)
            pofile = polib.pofile(str(po_path))
            pofile.save_as_mofile(str(po_path.with_suffix(".mo")))
            missing = len(pofile.untranslated_entries()) + len(pofile.fuzzy_entries())
            self.stdout.write(f"{app}: {len(pofile.translated_entries())} translated, {missing} to translate")
