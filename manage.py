#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    # manage.py in a checkout is the developer's tool: development mode unless DEBUG says
    # otherwise. Servers start through wsgi/asgi and Celery, which default to production and
    # refuse to start without a SECRET_KEY; deployments set DEBUG=false for their commands too.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
