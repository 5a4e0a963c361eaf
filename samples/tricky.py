"""Values an adversarial tester found the two listing paths to disagree
on, or the helper to crash or to change, for tests/paths.bats.

`break getppid` stops in tricky() (and, on 3.12+, inside a module-level
comprehension whose variable a closure captures).  At the end it prints
whether the program's own state stayed as it was: the sizes of its
non-ASCII names (a cached UTF-8 copy would grow them), the __eq__ calls a
hash-colliding key saw (none), and a locals() dict as the program had it.
"""

import collections
import os
import sys
import types

eq_calls = []


class Collides:
    def __hash__(self):
        return hash("__name__")

    def __eq__(self, other):
        eq_calls.append(other)
        return False


def surrogate():
    pass


surrogate.__qualname__ = "\udcff"


class Sub(str):
    pass


def sub_named():
    pass


sub_named.__qualname__ = Sub("qualsub")


class ModuleIsInt:
    __module__ = 5


FakeArray = type("numpy.ndarray", (), {"__slots__": ("a", "b", "c", "d", "e", "f")})
FakeODict = type("collections.OrderedDict", (dict,), {})
LongName = type("T" * 5000, (), {})


class Slots:
    __slots__ = ("c", "__p")

    def __init__(self):
        self.c = 3
        self.__p = 4


class Unicode:
    pass


odd_module = types.ModuleType("odd")
del odd_module.__dict__["__name__"]
odd_module.__dict__[Collides()] = 1
odd_module.__dict__["__name__"] = "odd"
eq_calls.clear()


def tricky():
    fn_surrogate = surrogate
    fn_sub = sub_named
    cls_int_module = ModuleIsInt
    fake_array = FakeArray()
    fake_array.f = 5
    fake_odict = FakeODict(k=1)
    long_type = LongName()
    slots = Slots()
    thing = Unicode()
    setattr(thing, "ключ", 1)
    setattr(thing, "\ud800", 2)
    od = collections.OrderedDict.fromkeys(range(10))
    for k in range(5):
        dict.__delitem__(od, k)
    mod = odd_module
    x = 1
    y = "keep"
    d = locals()
    x = 2
    del y
    z = 3
    key = next(iter(vars(thing)))
    sizes = (sys.getsizeof(key), sys.getsizeof(tricky.__code__.co_varnames[9]))
    os.getppid()  # the native stop: break getppid
    assert sizes == (sys.getsizeof(key), sys.getsizeof(tricky.__code__.co_varnames[9])), \
        "a name of the program grew"
    return sorted((k, v) for k, v in d.items() if k in ("x", "y", "z"))


print("locals as the program had them:", tricky())
closures = [(lambda: c, os.getppid()) for c in range(1)]
print("__eq__ calls:", eq_calls)
