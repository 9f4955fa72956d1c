"""Demo tasks: filled in below."""


def seed_tasks(demo):
    pass
