"""What each thread waits for, and the threads that wait for each other:
for py-hook-bt --all.  Read from memory and from the native stacks gdb
unwinds, so it works at any stop and in core files.

A thread that released the GIL is blocked in C.  What it waits for comes
from, in this order:
1. the threading or queue frames it runs (the innermost run of them,
   named by its outermost known one): Condition.wait, Event.wait,
   Semaphore.acquire, Barrier.wait, Thread.join, Queue.get / put / join,
   with the object from that frame's 'self';
2. else its innermost Python frame's current instruction: the source its
   location-table entry spans (`with b:`, `lock.acquire()`,
   `time.sleep(5)`, `conn.recv(1024)`), and the native functions it is
   blocked in: a lock acquire, a sleep, select/poll, a socket or a read.
   For a lock the object is that expression's value, read from memory as
   py-hook-explain reads names; an RLock records its owner (rlock_owner is
   the owning thread's identifier, its thread state's thread_id).
Threads waiting for each other (for an RLock another holds, or in
Thread.join of another) form a cycle, named in one paragraph.
"""

import ast
import re
import struct

import gdb

from . import explain, reach, view
from .objects import Unreadable, _mem, _u64

# _thread.RLock (rlockobject, Modules/_threadmodule.c), the same in 3.11 to
# 3.13: rlock_owner, rlock_count (tests/layout.bats checks them).
RLOCK_OWNER, RLOCK_COUNT = 24, 32
_LIBRARY = {
    ("threading.py", "Condition.wait"): "condition",
    ("threading.py", "Condition.wait_for"): "condition",
    ("threading.py", "Event.wait"): "event",
    ("threading.py", "Semaphore.acquire"): "semaphore",
    ("threading.py", "Barrier.wait"): "barrier",
    ("threading.py", "Thread.join"): "join",
    ("queue.py", "Queue.get"): "get",
    ("queue.py", "Queue.put"): "put",
    ("queue.py", "Queue.join"): "qjoin",
}
_LIBRARY_FILES = ("threading.py", "queue.py")
# Native functions a blocked thread sits in, by what they mean (names as
# gdb shows them, without glibc's __GI_ / __libc_ prefixes and leading _).
_NATIVE = (
    ("lock", ("PyThread_acquire_lock_timed", "lock_PyThread_acquire_lock", "rlock_acquire",
              "acquire_timed", "PyMutex_LockTimed", "PySemaphore_Wait")),
    ("sleep", ("clock_nanosleep", "nanosleep", "pysleep", "time_sleep")),
    ("select", ("select", "pselect", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait",
                "epoll_pwait2")),
    ("socket", ("recv", "recvfrom", "recvmsg", "accept", "accept4", "connect", "send",
                "sendto", "sendmsg")),
    ("read", ("read", "write", "readv", "writev", "pread64", "pwrite64")),
)
# What threading calls the _thread types a program gets from it.
_CLASS_NAMES = {"_thread.lock": "Lock", "_thread.RLock": "RLock"}
_PREFIX = re.compile(r"^(__GI_|__libc_)+")


class Wait:
    """TEXT: what the thread waits for, a sentence; OWNER: the thread
    (gdb) it waits for, if known; OBJ and LABEL: the object and its name;
    PHRASE: the wait in a deadlock paragraph, followed by OWNER."""

    def __init__(self, text, owner=None, obj=0, label="", phrase=""):
        self.text, self.owner, self.obj, self.label = text, owner, obj, label
        self.phrase = phrase


def native_names(thread, most=48):
    """The names of THREAD's native frames, innermost first, up to the
    first of the eval loop; the selected thread and frame are kept."""
    selected = gdb.selected_thread()
    try:
        selected_frame = gdb.selected_frame()
    except gdb.error:
        selected_frame = None
    names = []
    try:
        thread.switch()
        frame = gdb.newest_frame()
        while frame is not None and len(names) < most:
            name = frame.name() or ""
            if name == "_PyEval_EvalFrameDefault":
                break
            names.append(_PREFIX.sub("", name).lstrip("_"))
            frame = frame.older()
    except gdb.error:
        pass
    finally:
        selected.switch()
        if selected_frame is not None and selected_frame.is_valid():
            selected_frame.select()
    return names


def _native_kind(names):
    for kind, functions in _NATIVE:
        if any(n in functions for n in names):
            return kind
    return None


class Waits:
    """The waits of the Python threads of RT (a runtime.Runtime reading)."""

    def __init__(self, rt, walker, threads, names=None):
        """THREADS: [(gdb thread, ThreadState)]; NAMES: {LWP: thread name}."""
        self.rt, self.walker, self.r = rt, walker, walker.reader
        self.reach = reach.Reach(walker)
        self.threads = threads
        self.by_ident = {ts.pthread: thread for thread, ts in threads}
        self.names = names or {}
        self.waits = {}  # gdb thread number -> Wait
        self.cycles = []

    def read(self, thread, ts, gil):
        """The Wait of THREAD (or None), given its threadinfo.GilState GIL."""
        if gil.state != "released it":
            return None
        try:
            frames = list(self.walker.chain(ts))
        except Unreadable:
            return None
        if not frames:
            return None
        wait = None
        try:
            wait = self._library(frames) or self._instruction(frames, thread)
        except (Unreadable, KeyError, gdb.error):
            wait = None
        if wait is not None:
            self.waits[thread.num] = wait
        return wait

    # -- 1. threading's and queue's own frames -----------------------------------

    def _library(self, frames):
        known, user = None, None
        for address, head, code in frames:
            path = code.filename.replace("\\", "/")
            base = path.rsplit("/", 1)[-1]
            if base not in _LIBRARY_FILES or "/" not in path:
                user = address
                break
            kind = _LIBRARY.get((base, code.qualname))
            if kind is not None:
                known = (kind, address)
        if known is None:
            return None
        kind, address = known
        obj = self.reach.names(address).get("self")
        if not obj:
            return None
        label = self.reach.name_for(obj, user)
        cls = self.r.type_name(self.r.type_of(obj))
        attr, count, true = self.reach.attr, self.reach.count, self.r.constants["True"]
        if kind == "join":
            ident = attr(obj, "_ident")
            other = self.by_ident.get(self.r.int(ident) & 0xFFFFFFFFFFFFFFFF) \
                if ident and self.r.type_of(ident) == self.r.types["int"] else None
            name = self.reach.text(attr(obj, "_name")) or "?"
            joined = self._label(other) if other is not None else \
                'the Thread "%s", which runs no Python code' % view.printable(name)
            return Wait("Thread.join() of %s" % joined, other, obj, label,
                        "waits in Thread.join() for")
        if kind == "event":
            state = "set" if attr(obj, "_flag") == true else "not set"
            return Wait("Event.wait() on %s %s (%s)" % (cls, label, state), None, obj, label)
        if kind == "condition":
            lock = attr(obj, "_lock")
            return Wait("Condition.wait() on %s %s%s" % (cls, label, self._lock_state(lock)),
                        self._owner(lock), obj, label,
                        "waits in Condition.wait() on %s, whose lock is held by" % label)
        if kind == "semaphore":
            value = attr(obj, "_value")
            return Wait("Semaphore.acquire() on %s %s (value %s)"
                        % (cls, label, self.reach.number(value) if value else "?"),
                        None, obj, label)
        if kind == "barrier":
            return Wait("Barrier.wait() on %s %s" % (cls, label), None, obj, label)
        items = count(attr(obj, "queue"))
        size = "%d item%s" % (items, "" if items == 1 else "s")
        verb = {"get": "Queue.get()", "put": "Queue.put()", "qjoin": "Queue.join()"}[kind]
        return Wait("%s on %s %s (%s)" % (verb, cls, label, size), None, obj, label)

    # -- 2. the innermost frame's instruction and the native stack ---------------

    def _instruction(self, frames, thread):
        address, head, code = frames[0]
        kind = _native_kind(native_names(thread))
        if kind is None:
            return None
        text = explain.segment(code.filename,
                               code.positions(self.walker.instruction(head, code)))
        shown = " `%s`" % " ".join(text.split()) if text else ""
        if kind == "sleep":
            return Wait("time.sleep()%s" % (" in" + shown if shown else ""))
        if kind == "select":
            return Wait("select/poll%s" % (" in" + shown if shown else ""))
        if kind == "socket":
            return Wait("a socket call%s" % (" in" + shown if shown else ""))
        if kind == "read":
            return Wait("a read or write%s" % (" in" + shown if shown else ""))
        obj, source = self._lock_object(text, address, code, thread) if text else (0, None)
        if not obj:
            return Wait("a lock%s" % (" in" + shown if shown else ""))
        label = "'%s'" % source
        cls = _CLASS_NAMES.get(self.r.tp_name(self.r.type_of(obj))) or \
            self.r.type_name(self.r.type_of(obj))
        return Wait("%s %s%s" % (cls, label, self._lock_state(obj)), self._owner(obj), obj,
                    label, "waits for %s %s, held by" % (cls, label))

    def _lock_object(self, text, address, code, thread):
        """(the lock the instruction TEXT of the frame at ADDRESS blocks on,
        its source), or (0, None).  Of a with statement's items, the one
        this thread does not hold already."""
        names = self.reach.names(address)
        if not code.optimized:
            ns = _u64(address + self.walker.off["locals"])
            if ns:
                for key, value in self.r.dict_items(ns, subclass=True):
                    if self.r.type_of(key) == self.r.types["str"]:
                        names.setdefault(self.r.str(key), value)
        found = []
        for node in _lock_candidates(text):
            try:
                value = explain.resolve(self.r, names, self.reach.globals_of(address), node)
            except (Unreadable, KeyError):
                value = 0
            if value:
                found.append((value, " ".join(ast.unparse(node).split())))
        if len(found) > 1:
            found = [(v, src) for v, src in found if self._owner(v) != thread] or found
        return found[-1] if found else (0, None)

    def _owner(self, lock):
        """The gdb thread holding LOCK, an RLock (C or Python), or None."""
        if not lock:
            return None
        name = self.r.tp_name(self.r.type_of(lock))
        if name == "_thread.RLock":
            owner, count = struct.unpack("<QQ", _mem(lock + RLOCK_OWNER, 16))
            return self.by_ident.get(owner) if count else None
        if self.r.type_name(self.r.type_of(lock)) == "_RLock":
            owner = self.reach.none(self.reach.attr(lock, "_owner"))
            if owner and self.r.type_of(owner) == self.r.types["int"]:
                return self.by_ident.get(self.r.int(owner) & 0xFFFFFFFFFFFFFFFF)
        return None

    def _lock_state(self, lock):
        if not lock:
            return ""
        name = self.r.tp_name(self.r.type_of(lock))
        if name == "_thread.RLock" or self.r.type_name(self.r.type_of(lock)) == "_RLock":
            owner = self._owner(lock)
            if owner is not None:
                return ", held by %s" % self._label(owner)
            if name == "_thread.RLock":
                ident, count = struct.unpack("<QQ", _mem(lock + RLOCK_OWNER, 16))
                if count:
                    return ", held by a thread without Python (identifier 0x%x)" % ident
            return ", not held"
        if name == "_thread.lock":
            return " (a Lock records no owner)"
        return ""

    def _label(self, thread):
        name = self.names.get(thread.ptid[1]) or thread.name
        return "Thread %d (LWP %d)%s" % (thread.num, thread.ptid[1],
                                         ' "%s"' % view.printable(name) if name else "")

    # -- cycles ----------------------------------------------------------------

    def find_cycles(self):
        """Cycles of threads waiting for each other, each once."""
        graph = {num: w.owner.num for num, w in self.waits.items() if w.owner is not None}
        seen = set()
        for start in graph:
            path, at = [], start
            while at in graph and at not in path:
                path.append(at)
                at = graph[at]
            if at in path:
                cycle = path[path.index(at):]
                if frozenset(cycle) not in seen:
                    seen.add(frozenset(cycle))
                    self.cycles.append(cycle)
        return self.cycles

    def cycle_text(self, cycle, labels):
        """One paragraph naming CYCLE (gdb thread numbers); LABELS: {number:
        'Thread N (LWP n) "name"'}."""
        parts = []
        for i, num in enumerate(cycle):
            nxt = cycle[(i + 1) % len(cycle)]
            parts.append("%s %s %s" % (labels[num] if i == 0 else "which",
                                       self.waits[num].phrase, labels[nxt]))
        return "Deadlock: %s. None of these %d threads can go on." % (", ".join(parts),
                                                                       len(cycle))


def _lock_candidates(text):
    """The expressions in TEXT, the source of the instruction blocked in a
    lock acquire, that may be the lock: X of `X.acquire(...)` or
    `X.__enter__()`; TEXT itself (a with item, 3.13); or the items of a
    with statement (3.11 and 3.12 give the whole statement)."""
    text = text.strip()
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        node = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("acquire", "__enter__", "acquire_lock"):
        return [node.func.value]
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return [node]
    if node is not None:
        return []
    first = text.split("\n", 1)[0].rstrip()
    for source in (text, first + "\n pass"):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if tree.body and isinstance(tree.body[0], (ast.With, ast.AsyncWith)):
            return [item.context_expr for item in tree.body[0].items]
        return []
    return []


