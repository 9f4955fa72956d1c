"""Scale tasks: filled in below."""


def seed_tasks(scale):
    pass
