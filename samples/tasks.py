"""asyncio tasks in every kind of wait, for py-hook-tasks and --task.

main() starts these tasks, lets each reach its wait, then calls
os.getppid() at line 107 (`break getppid`; main is the task running then):
  "sleeper"   asyncio.sleep(30)
  "consumer"  jobs.get() on the empty asyncio.Queue `jobs` (a global)
  "holder"    holds the asyncio.Lock `lock` while it sleeps 30 s
  "locker"    waits for `lock`
  "eventer"   ready.wait() on the asyncio.Event `ready`
  "looper"    loops until its local `done` is true, adding what
              tick(1) returns after a 0.01 s sleep to `rounds`
  "ping", "pong"  await each other: a deadlock
  "gather"    gather() of "sleeper" and "consumer"
After the stop main sets `ready`, puts job 7, cancels "holder" and
"sleeper", waits 3 s ($TASKS_WAIT) for "looper" and prints what each task did; "ping"
and "pong" stay deadlocked (cancelling either would recurse for ever
through the other), so the loop is left unclosed with them pending and a
quiet exception handler.  Unedited it prints:
  eventer saw the event / consumer got job 7 / locker got the lock /
  looper timed out / tasks done
`py-hook-set --task looper done True` makes it print "looper done after N
rounds" instead; `py-hook-set --task looper --level 1 step 1000` adds 1000
to one round.  TASKS_PY=1: pure-Python tasks (asyncio.tasks._PyTask).
TASKS_EAGER=1 (3.12+): main first starts the task "probe" eagerly
(eager_start=True), which calls os.getppid() in its first step (line 85),
so the first stop is inside an eager task; it prints "probe probed".
"""

import asyncio
import os
import sys

jobs = None
lock = None
ready = None
ping_task = pong_task = None


async def sleeper():
    await asyncio.sleep(30)


async def consumer():
    job = await jobs.get()
    print("consumer got job", job, flush=True)


async def holder():
    async with lock:
        await asyncio.sleep(30)


async def locker():
    async with lock:
        print("locker got the lock", flush=True)


async def eventer():
    await ready.wait()
    print("eventer saw the event", flush=True)


async def tick(step):
    await asyncio.sleep(0.01)
    return step


async def looper():
    done = False
    rounds = 0
    while not done:
        rounds += await tick(1)
    return rounds


async def ping():
    await pong_task


async def pong():
    await ping_task


async def probe():
    os.getppid()  # line 85: with TASKS_EAGER=1, a stop in an eager task's first step
    return "probed"


async def main():
    global jobs, lock, ready, ping_task, pong_task
    if os.environ.get("TASKS_PY"):
        asyncio.get_running_loop().set_task_factory(
            lambda loop, coro, **kw: asyncio.tasks._PyTask(coro, loop=loop, **kw))
    jobs, lock, ready = asyncio.Queue(), asyncio.Lock(), asyncio.Event()
    if os.environ.get("TASKS_EAGER"):
        probed = asyncio.Task(probe(), loop=asyncio.get_running_loop(), name="probe",
                              eager_start=True)
        print("probe", await probed, flush=True)
    make = asyncio.create_task
    tasks = {name: make(fn(), name=name) for name, fn in
             (("sleeper", sleeper), ("consumer", consumer), ("holder", holder),
              ("locker", locker), ("eventer", eventer), ("looper", looper))}
    ping_task, pong_task = make(ping(), name="ping"), make(pong(), name="pong")
    both = asyncio.gather(tasks["sleeper"], tasks["consumer"], return_exceptions=True)
    gathered = make(_wait(both), name="gather")
    await asyncio.sleep(0.1)
    os.getppid()  # line 107: break getppid
    ready.set()
    jobs.put_nowait(7)
    for name in ("holder", "sleeper"):
        tasks[name].cancel()
    await asyncio.sleep(0.1)
    try:
        rounds = await asyncio.wait_for(tasks["looper"], float(os.environ.get("TASKS_WAIT", 3)))
        print("looper done after", rounds, "rounds", flush=True)
    except asyncio.TimeoutError:
        print("looper timed out", flush=True)
    await gathered
    print("tasks done", flush=True)


async def _wait(both):
    await both


if __name__ == "__main__":
    loop = asyncio.new_event_loop()
    # "Task was destroyed but it is pending!" for ping and pong at exit.
    loop.set_exception_handler(lambda loop, context: None)
    loop.run_until_complete(main())
    sys.exit(0)
