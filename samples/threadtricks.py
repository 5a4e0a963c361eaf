"""Threads blocked in ways that are hard to show right, for tests/waits.bats.

This docstring holds a form feed (\x0c) here: "", which str.splitlines()
would take for a line break, shifting every line below by one.

Main holds the RLock `held` and the pure-Python RLock `pyheld`, starts the
threads, and calls os.getppid() (`break getppid`) once all wait:
  "pair"    `with free, held:` - blocked on `held`, the second item
  "pyrlock" pyheld.acquire() - the pure-Python RLock
  "cond"    `with cond:` - a Condition whose lock is `held`
  "simple"  sq.get() on an empty queue.SimpleQueue
  "child"   subprocess.run(["sleep", "2"]) - waiting for a child process
  "sock"    near.recv(1) on one end of a socket pair
  "sel"     select.select([rfd], [], []) on a pipe
  "moved"   `with box.lock:` on `held`; main has since set box.lock to a new,
            free RLock, so the expression no longer gives the lock it waits on
Then main lets go of both locks, puts an item, sends a byte and writes to
the pipe, and every thread ends:
"threadtricks done".
"""

import os
import queue
import select
import socket
import subprocess
import threading
import time

held = threading.RLock()
pyheld = threading._PyRLock()
free = threading.RLock()
cond = threading.Condition(held)
sq = queue.SimpleQueue()
near, far = socket.socketpair()
rfd, wfd = os.pipe()


class Box:
    lock = held


box = Box()


def pair():
    with free, held:
        pass


def pyrlock():
    pyheld.acquire()
    pyheld.release()


def entering():
    with cond:
        pass


def simple():
    sq.get()


def child():
    subprocess.run(["sleep", "2"])


def sock():
    near.recv(1)


def sel():
    select.select([rfd], [], [])


def moved():
    with box.lock:
        pass


held.acquire()
pyheld.acquire()
threads = [threading.Thread(target=f, name=n) for f, n in
           ((pair, "pair"), (pyrlock, "pyrlock"), (entering, "cond"), (simple, "simple"),
            (child, "child"), (sock, "sock"), (sel, "sel"), (moved, "moved"))]
for t in threads:
    t.start()
time.sleep(0.5)
box.lock = threading.RLock()
os.getppid()  # break getppid
held.release()
pyheld.release()
sq.put(1)
far.send(b"x")
os.write(wfd, b"x")
for t in threads:
    t.join()
print("threadtricks done")
