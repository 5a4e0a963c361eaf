"""Many asyncio tasks and blocked threads, for make bench (py-hook-tasks,
py-hook-bt --all).

Usage: manytasks.py TASKS THREADS.  TASKS tasks each await a chain of
three coroutines down to asyncio.sleep(60); THREADS threads each wait for
a Lock that main holds.  Main calls os.getppid() (`break getppid`) once
all wait, then cancels the tasks, releases the lock and prints
"manytasks done TASKS THREADS".
"""

import asyncio
import os
import sys
import threading
import time

TASKS, THREADS = (int(a) for a in sys.argv[1:3])
gate = threading.Lock()


async def leaf(i):
    await asyncio.sleep(60)


async def middle(i):
    step = i * 2
    await leaf(step)


async def top(i):
    name = "task %d" % i
    await middle(i)


def blocked():
    with gate:
        pass


async def main():
    tasks = [asyncio.create_task(top(i), name="t%d" % i) for i in range(TASKS)]
    await asyncio.sleep(0.2)
    os.getppid()  # break getppid
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


gate.acquire()
threads = [threading.Thread(target=blocked) for _ in range(THREADS)]
for t in threads:
    t.start()
time.sleep(0.2)
asyncio.run(main())
gate.release()
for t in threads:
    t.join()
print("manytasks done", TASKS, THREADS)
