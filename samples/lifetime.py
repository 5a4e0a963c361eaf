"""An object deleted right after the stop must be freed at once.

work() holds `thing` and a weak reference to it, stops at os.getppid(),
then deletes `thing` and prints whether it was freed, and `a`.
"""

import os
import weakref


class Thing:
    pass


def work():
    thing = Thing()
    probe = weakref.ref(thing)
    a = 1
    os.getppid()  # the native stop: break getppid
    del thing
    print("freed" if probe() is None else "still alive")
    print("a", a)


work()
