"""Tasks that are hard to show right, for tests/tasks.bats.

main() starts, then stops in os.getppid() (`break getppid`):
  "evil\\n\\x1b[31mname"  a task whose name holds a newline and an escape,
                        awaited by "waitfor"
  "a", "b"    a waits in asyncio.wait([b]), b awaits a: a deadlock
  "c", "d"    c waits in asyncio.wait_for(d, 100), d awaits c: a deadlock
  "e", "f"    e awaits asyncio.shield(f), f awaits e: a deadlock
  "parent"    waits for its TaskGroup, whose task "child" awaits parent
  "nest"      awaits gather(gather(task "leaf"), sleep(30)); "leaf" awaits nest
  "plock"     waits for `plocked`, a Lock subclass whose _locked is a property
  "failed"    raised ValueError('boom'); "worker" twice, each with a local v
  "notified"  waits in `ready.wait()` on asyncio.Condition `ready`
  "sem"       waits in `async with gate:` on asyncio.Semaphore `gate` (value 0)
Then main sets `released` (plock's holder lets go), notifies `ready`,
releases `gate`, and prints "worker" tasks' v: "worker 1 2" unedited.  The deadlocked tasks stay pending; the
loop is left unclosed with a quiet exception handler (as in tasks.py).
"""

import asyncio
import os
import sys

T = {}


class PLock(asyncio.Lock):
    @property
    def _locked(self):
        return self.__dict__.get("_real", False)

    @_locked.setter
    def _locked(self, value):
        self.__dict__["_real"] = value


async def sleeper():
    await asyncio.sleep(30)


async def waitfor():
    await T["evil\n\x1b[31mname"]


async def a():
    await asyncio.wait([T["b"]])


async def b():
    await T["a"]


async def c():
    await asyncio.wait_for(T["d"], 100)


async def d():
    await T["c"]


async def e():
    await asyncio.shield(T["f"])


async def f():
    await T["e"]


async def child():
    await T["parent"]


async def parent():
    async with asyncio.TaskGroup() as group:
        group.create_task(child(), name="child")


async def nest():
    await asyncio.gather(asyncio.gather(T["leaf"]), asyncio.sleep(30))


async def leaf():
    await T["nest"]


async def holder(lock, released):
    async with lock:
        await released.wait()


async def plock(lock):
    async with lock:
        pass


async def notified(ready):
    async with ready:
        await ready.wait()


async def sem(gate):
    async with gate:
        pass


async def failed():
    raise ValueError("boom")


async def worker(v):
    await asyncio.sleep(0.3)
    return v


async def main():
    make = asyncio.create_task
    for name, fn in (("evil\n\x1b[31mname", sleeper), ("waitfor", waitfor), ("a", a), ("b", b),
                     ("c", c), ("d", d), ("e", e), ("f", f), ("parent", parent),
                     ("nest", nest), ("leaf", leaf), ("failed", failed)):
        T[name] = make(fn(), name=name)
    plocked, released = PLock(), asyncio.Event()
    make(holder(plocked, released), name="holder")
    make(plock(plocked), name="plock")
    workers = [make(worker(1), name="worker"), make(worker(2), name="worker")]
    ready, gate = asyncio.Condition(), asyncio.Semaphore(0)
    waiters = [make(notified(ready), name="notified"), make(sem(gate), name="sem")]
    await asyncio.sleep(0.1)
    os.getppid()  # break getppid
    released.set()
    async with ready:
        ready.notify_all()
    gate.release()
    await asyncio.gather(*waiters)
    print("worker", *[await w for w in workers], flush=True)


if __name__ == "__main__":
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda loop, context: None)
    loop.run_until_complete(main())
    sys.exit(0)
