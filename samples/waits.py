"""Six threads, each waiting in its own way, for py-hook-bt --all.
Threads, in the order they start (gdb numbers them 2 to 6 after main, 1):
  "sleeper"   time.sleep() in a loop, 1.5 s first    (GIL released)
  "locker"    a threading.Lock main holds           (GIL released)
  "queuer"    queue.Queue.get()                     (GIL released)
  "eventer"   threading.Event.wait()                (GIL released)
  "computer"  a pure-Python loop                    (holds or waits for the GIL)
Each thread function has a local `mine` naming it ("sleeper", ...).  Main
calls os.getppid() at line 70 (`break getppid`, main holds the GIL), then
lets every thread finish and prints "waits done 5".  With WAITS_HOLD=N in
its environment it first holds every thread in its wait N seconds longer.
"""

import os
import queue
import threading
import time

stop = threading.Event()
lock = threading.Lock()
jobs = queue.Queue()
event = threading.Event()
ready, naps = threading.Barrier(6), [1.5]  # the sleeper's first nap outlasts the stop


def sleeper():
    mine = "sleeper"
    ready.wait()
    while not stop.is_set():
        time.sleep(naps.pop() if naps else 0.05)
    return mine


def locker():
    mine = "locker"
    ready.wait()
    with lock:
        return mine


def queuer():
    mine = "queuer"
    ready.wait()
    return jobs.get(), mine


def eventer():
    mine = "eventer"
    ready.wait()
    event.wait()
    return mine


def computer():
    mine = "computer"
    total = 0
    ready.wait()
    while not stop.is_set():
        total = (total + 1) % 1000003
    return mine, total


lock.acquire()
workers = [threading.Thread(target=f, name=f.__name__)
           for f in (sleeper, locker, queuer, eventer, computer)]
for w in workers:
    w.start()
ready.wait()
time.sleep(0.3)  # every thread reaches its wait
os.getppid()  # the native stop: main holds the GIL
time.sleep(float(os.environ.get("WAITS_HOLD", "0")))  # for py-hook dump
stop.set()
lock.release()
jobs.put("job")
event.set()
for w in workers:
    w.join()
print("waits done", len(workers))
