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
  "failed"    raised ValueError('boom'); "pyfailed" the same, a pure-Python
              task (asyncio.tasks._PyTask: 3.14+ keeps a done C task in no
              registry, a pure-Python one stays in asyncio's WeakSet);
              "worker" twice, each with a local v
  "timed"     awaits task "timed2" inside `async with asyncio.timeout(60)`;
              "timed2" awaits timed: a deadlock that lasts until the timeout
  "wt"        asyncio.wait([wt2], timeout=60); "wt2" awaits wt: the same
  "fc"        asyncio.wait([fc2, sleeper], return_when=FIRST_COMPLETED);
              "fc2" awaits fc: no deadlock (the sleep ends it)
  "hint"      awaits later(T["hint2"]), a future main completes; "hint2"
              awaits hint: no deadlock, the source only names hint2
  "woken"     sleeping 30 s, cancelled by main just before the stop
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


async def timed():
    async with asyncio.timeout(60):
        await T["timed2"]


async def timed2():
    await T["timed"]


async def wt():
    await asyncio.wait([T["wt2"]], timeout=60)


async def wt2():
    await T["wt"]


async def fc():
    await asyncio.wait([T["fc2"], T["evil\n\x1b[31mname"]], return_when=asyncio.FIRST_COMPLETED)


async def fc2():
    await T["fc"]


LATER = None


def later(task):
    return LATER


async def hint():
    await later(T["hint2"])


async def hint2():
    await T["hint"]


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
    global LATER
    LATER = asyncio.get_running_loop().create_future()
    make = asyncio.create_task
    for name, fn in (("evil\n\x1b[31mname", sleeper), ("waitfor", waitfor), ("a", a), ("b", b),
                     ("c", c), ("d", d), ("e", e), ("f", f), ("parent", parent),
                     ("nest", nest), ("leaf", leaf), ("failed", failed),
                     ("timed", timed), ("timed2", timed2), ("wt", wt), ("wt2", wt2),
                     ("fc", fc), ("fc2", fc2), ("hint", hint), ("hint2", hint2),
                     ("woken", sleeper)):
        T[name] = make(fn(), name=name)
    T["pyfailed"] = asyncio.tasks._PyTask(failed(), name="pyfailed")
    plocked, released = PLock(), asyncio.Event()
    make(holder(plocked, released), name="holder")
    make(plock(plocked), name="plock")
    workers = [make(worker(1), name="worker"), make(worker(2), name="worker")]
    ready, gate = asyncio.Condition(), asyncio.Semaphore(0)
    waiters = [make(notified(ready), name="notified"), make(sem(gate), name="sem")]
    await asyncio.sleep(0.1)
    T["woken"].cancel()
    os.getppid()  # break getppid
    LATER.set_result(None)
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
