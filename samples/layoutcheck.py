"""Objects whose memory tests/layout.py knows, for checking the facts of
gdb/pyhook/facts.py that no debug information describes.

Stop it at getppid, which inner() calls from inside a list comprehension
(inlined into inner on 3.12+): inner has a plain local bound to None, an
unbound one and a free variable; the module's code has the hidden
variable of an inlined comprehension (3.12+); outer has the
cell; main holds an instance with a materialized __dict__ and one without
a dict yet, a Lock it holds, an RLock it holds once and a coroutine
suspended in an await (and what it awaits, its cr_await); Slotted has a
__slots__ member; tracing was set and unset, so the instrumentation
version is not 0.
"""

import asyncio  # noqa: F401  (loads _asyncio, whose facts are checked too)
import os
import sys
import threading


# A comprehension inlined into the module body (3.12+): its variable is a
# hidden fast local of the module's code.
SQUARES = [mod_hidden * mod_hidden for mod_hidden in range(3)]


class Slotted:
    __slots__ = ("x",)


class Plain:
    pass


class Step:
    def __await__(self):
        yield


async def awaiting(step):
    await step


def outer():
    captured = 1

    def inner():
        plain = None
        [os.getppid() for hidden in (captured,)]
        later = 2
        return plain, later

    return inner()


def main():
    with_dict = Plain()
    with_dict.a = 1
    materialized = with_dict.__dict__
    fresh = Plain()
    fresh.a = 1
    held = threading.Lock()
    held.acquire()
    suspended = awaiting(Step())
    suspended.send(None)
    awaited = suspended.cr_await
    rheld = threading.RLock()
    rheld.acquire()
    sys.settrace(lambda *a: None)
    sys.settrace(None)
    outer()
    rheld.release()
    held.release()
    suspended.close()
    del awaited
    return with_dict, materialized, fresh, Slotted()


if __name__ == "__main__":
    main()
    print("layoutcheck done")
