"""CPython's runtime state, read from the target's memory (placeholder)."""


def gil_plan(thread, Plan):
    return Plan()
