"""Raises, re-raises and propagation, for py-hook-catch.

int("x") raises ValueError at line 23; g() raises that same exception
again at line 15; a lambda called through map() raises at line 31 and h()
at line 19, each propagating to the module.  Unedited it prints:
  caught re-raise
  caught map
  caught h
"""


def g(e):
    # A raise of an exception caught elsewhere: a raise here, not a
    # propagation.
    raise e


def h():
    int("y")


try:
    int("x")
except ValueError as e:
    saved = e
try:
    g(saved)
except ValueError:
    print("caught re-raise")
try:
    list(map(lambda s: int(s), ["z"]))
except ValueError:
    print("caught map")
try:
    h()
except ValueError:
    print("caught h")
