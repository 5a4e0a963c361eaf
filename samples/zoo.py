"""Objects of the standard library, one of each kind, for comparing the two
ways py-hook lists values (tests/paths.bats).

`break getppid` stops in zoo(), whose locals are the objects.  Prints
"zoo done N" (N: how many there are).
"""

import array
import collections
import dataclasses
import datetime
import decimal
import fractions
import functools
import io
import os
import pathlib
import re
import threading
import types
import weakref


@dataclasses.dataclass
class Record:
    name: str
    size: int = 0


class WithSlotsAndDict:
    __slots__ = ("a", "__dict__")


class Meta(type):
    pass


class WithMeta(metaclass=Meta):
    pass


def gen():
    yield 1


async def coro():
    return 1


def zoo():
    both = WithSlotsAndDict()
    both.a = 1
    both.extra = "x"
    record = Record("r", 3)
    decimal_ = decimal.Decimal("1.5")
    fraction = fractions.Fraction(1, 3)
    when = datetime.datetime(2026, 12, 1, 12, 0)
    day = datetime.date(2026, 12, 1)
    path = pathlib.Path("/tmp/x")
    pattern = re.compile("a+")
    match = pattern.match("aaa")
    stream = io.StringIO("text")
    lock = threading.Lock()
    rlock = threading.RLock()
    numbers = array.array("i", [1, 2])
    view = memoryview(b"abc")
    ref = weakref.ref(record)
    generator = gen()
    coroutine = coro()
    namespace = types.SimpleNamespace(a=1, b="two")
    partial = functools.partial(int, base=2)
    error = ValueError("boom", 2)
    piece = slice(1, 10, 2)
    dots = Ellipsis
    not_impl = NotImplemented
    keys = {"a": 1}.keys()
    iterator = iter([1, 2])
    mapped = map(str, [1])
    counter = collections.Counter("aab")
    deque = collections.deque([1, 2])
    chain = collections.ChainMap({"a": 1})
    meta_cls = WithMeta
    meta_obj = WithMeta()
    prop = property(lambda self: 1)
    static = staticmethod(len)
    code = zoo.__code__
    frame_type = type(None)
    big_negative = -(2**200)
    tiny = 5e-324
    nan = float("nan")
    inf = float("-inf")
    surrogate = "a\udc80b"
    wide_text = "snow \u2603 and \U0001f600"
    empty_bytes = b""
    nested_tuple = ((1,), ())
    os.getppid()  # the native stop: break getppid
    coroutine.close()
    return len(locals())


print("zoo done %d" % zoo())
