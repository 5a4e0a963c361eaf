"""What an EXPR does beyond its value, and where NAME is checked.

work() stops at os.getppid() with locals `a` (1) and `b` (2) and prints
them and whether the collector is enabled.  Then a class body whose
namespace comes from a metaclass's __prepare__ (a dict subclass) stops at
os.getppid() too and prints its `inside`.  --trace: a trace and a profile
function record every code object they see; the program then says whether
one of py-hook's (<py-hook>) was among them, and how many of its own.
"""

import gc
import os
import sys

seen = set()


def tracer(frame, event, arg):
    seen.add(frame.f_code.co_filename)
    return None


def profiler(frame, event, arg):
    seen.add(frame.f_code.co_filename)


def double(n):
    return 2 * n


def work():
    a = 1
    b = 2
    os.getppid()  # the native stop: break getppid
    print("a", a, "b", b, "gc", gc.isenabled())


class Namespace(dict):
    pass


class Meta(type):
    @classmethod
    def __prepare__(mcs, name, bases):
        return Namespace()


if "--trace" in sys.argv:
    sys.settrace(tracer)
    sys.setprofile(profiler)
work()
if "--trace" in sys.argv:
    sys.settrace(None)
    sys.setprofile(None)
    print("py-hook seen", "<py-hook>" in seen, "own seen", __file__ in seen)


class Body(metaclass=Meta):
    inside = 1
    os.getppid()  # the second stop, in a class body


print("body", Body.inside)
