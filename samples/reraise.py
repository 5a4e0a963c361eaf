"""Raises, re-raises and propagation, for py-hook-catch.

int("x") raises ValueError at line 26; g() raises that same exception
again at line 18; a lambda called through map() raises at line 34 and h()
at line 22, each propagating to the module; catcher() returns the
ValueError int("w") raised at line 45, which the module raises at line 51.
Unedited it prints:
  caught re-raise
  caught map
  caught h
  caught returned
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


def catcher():
    try:
        int("w")
    except ValueError as e:
        return e


try:
    raise catcher()
except ValueError:
    print("caught returned")
