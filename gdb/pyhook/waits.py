"""What each thread waits for, and the threads that wait for each other:
for py-hook-bt --all.  Read from memory and from the native stacks gdb
unwinds, so it works at any stop and in core files.

A thread that released the GIL is blocked in C.  What it waits for comes
from, in this order:
1. the library frames it runs (the innermost run of them, named by its
   outermost known one): threading's Condition.wait, Event.wait,
   Semaphore.acquire, Barrier.wait, Thread.join, the pure-Python RLock,
   a Condition's __enter__; queue's Queue.get / put / join; importlib's
   module lock; with the object from that frame's 'self' and the timeout
   from its 'timeout';
2. else its innermost Python frame's current instruction and the native
   functions it is blocked in: a lock acquire, a sleep, select/poll, a
   socket call, a read or write, a child process, a multiprocessing lock.
   For a lock, the object is the C function's 'self' where gdb has
   CPython's debug information (rlock_acquire, lock_PyThread_acquire_lock;
   3.15's _thread_RLock_acquire and kin, _LOCK_FUNCTIONS), or on 3.14+,
   where a release build optimized 'self' out, the lock whose PyMutex
   _PyMutex_LockTimed / _PyParkingLot_Park waits on; without debug
   information, the value of the expression the instruction's source spans
   (`with b:` - on 3.11 and 3.12 the item, from the instruction before
   BEFORE_WITH -, `lock.acquire()`), read from memory as py-hook-explain
   reads names, and kept only if it can be the lock the thread blocks on
   (a lock that is locked; an RLock held by another thread).  An RLock
   records its owner (rlock.owner is the owning thread's identifier, its
   thread state's thread_id; 3.14+ its _PyRecursiveMutex's thread); a Lock
   records none.
Threads waiting for each other (for an RLock another holds, in Thread.join
of another, for a module lock another holds) form a cycle, named in one
paragraph; a cycle in which one wait has a timeout says that it ends then.
"""

import ast
import re

import gdb

from . import explain, reach, view
from .objects import Unreadable, _mem, _u64

_LIBRARY = {
    ("threading.py", "Condition.wait"): "condition",
    ("threading.py", "Condition.wait_for"): "condition",
    ("threading.py", "Condition.__enter__"): "condenter",
    ("threading.py", "Event.wait"): "event",
    ("threading.py", "Semaphore.acquire"): "semaphore",
    ("threading.py", "Barrier.wait"): "barrier",
    ("threading.py", "Thread.join"): "join",
    ("threading.py", "_RLock.acquire"): "pyrlock",
    ("queue.py", "Queue.get"): "get",
    ("queue.py", "Queue.put"): "put",
    ("queue.py", "Queue.join"): "qjoin",
    ("<frozen importlib._bootstrap>", "_ModuleLock.acquire"): "import",
}
_LIBRARY_FILES = ("threading.py", "queue.py", "<frozen importlib._bootstrap>")
# Native functions a blocked thread sits in, by what they mean (names as
# gdb shows them, without glibc's __GI_ / __libc_ prefixes, leading _ and
# gcc's clone suffixes), the first kind found winning.  3.14+ block a lock
# acquire in _PyMutex_LockTimed, _PyParkingLot_Park and _PySemaphore_Wait;
# 3.15 renamed _thread's acquire functions (Argument Clinic's names).
_NATIVE = (
    ("lock", ("PyThread_acquire_lock_timed", "lock_PyThread_acquire_lock", "rlock_acquire",
              "acquire_timed", "PyMutex_LockTimed", "PySemaphore_Wait", "PyParkingLot_Park",
              "thread_lock_acquire", "thread_lock_acquire_impl", "thread_lock_acquire_lock",
              "thread_RLock_acquire", "thread_RLock_acquire_impl", "thread_RLock___enter__")),
    ("semlock", ("multiprocessing_SemLock_acquire_impl", "semlock_acquire", "sem_wait",
                 "sem_timedwait", "sem_clockwait")),
    ("sleep", ("clock_nanosleep", "nanosleep", "pysleep", "time_sleep")),
    ("child", ("wait4", "waitpid", "waitid")),
    ("select", ("select", "pselect", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait",
                "epoll_pwait2")),
    ("socket", ("recv", "recvfrom", "recvmsg", "accept", "accept4", "connect", "send",
                "sendto", "sendmsg")),
    ("read", ("read", "write", "readv", "writev", "pread64", "pwrite64")),
)
_NATIVE_TEXT = {"sleep": "a sleep", "child": "a wait for a child process",
                "select": "select/poll", "socket": "a socket call", "read": "a read or write",
                "semlock": "a multiprocessing lock or semaphore", "lock": "a lock"}
# The C functions of _thread that acquire a lock, by the kind of lock
# ("rlock": a _thread.RLock, "lock": a _thread.lock), with the names of
# their variables that hold it, tried in turn.  3.11 to 3.14:
# rlock_acquire and lock_PyThread_acquire_lock (3.14's take 'op' and cast
# it to a local 'self'); 3.15's are Argument Clinic's, each a wrapper and
# an inlined _impl ('self' in both; a release build optimizes it out of
# most, so the mutex below is what is left).
_LOCK_FUNCTIONS = {
    "rlock_acquire": ("rlock", ("self", "op")),
    "lock_PyThread_acquire_lock": ("lock", ("self", "op")),
    "_thread_RLock_acquire": ("rlock", ("self",)),
    "_thread_RLock_acquire_impl": ("rlock", ("self",)),
    "_thread_RLock___enter__": ("rlock", ("self",)),
    "_thread_RLock___enter___impl": ("rlock", ("self",)),
    "_thread_lock_acquire": ("lock", ("self",)),
    "_thread_lock_acquire_impl": ("lock", ("self",)),
    "_thread_lock_acquire_lock": ("lock", ("self",)),
    "_thread_lock___enter__": ("lock", ("self",)),
    "_thread_lock___enter___impl": ("lock", ("self",)),
}
# 3.14+: a lock's PyMutex is the 'm' of _PyMutex_LockTimed, which waits in
# _PyParkingLot_Park with the same address as 'addr' (where 'm' is
# optimized out, 'addr' is mostly still known from the call site).
_MUTEX_LOCK = "_PyMutex_LockTimed"
_PARK = "_PyParkingLot_Park"
# What threading calls the _thread types a program gets from it.
_CLASS_NAMES = {"_thread.lock": "Lock", "_thread.RLock": "RLock"}
_PREFIX = re.compile(r"^(__GI_|__libc_)+")
# The suffixes gcc gives the copies of a function it specializes or splits
# (3.14's _PyParkingLot_Park.constprop.0, PyThread_acquire_lock_timed.constprop.0).
_CLONE = re.compile(r"(\.(constprop|isra|part|cold|lto_priv)(\.\d+)?)+$")
_SHOWN = 160  # characters of source shown at most


class Wait:
    """TEXT: what the thread waits for, a sentence; OWNER: the thread
    (gdb) it waits for, if known; OBJ: the object; PHRASE: the wait in a
    deadlock paragraph, followed by OWNER; TIMED: how its timeout reads
    ('timeout 4') when it has one, else None."""

    def __init__(self, text, owner=None, obj=0, phrase="", timed=None, guessed=None):
        self.text, self.owner, self.obj, self.phrase = text, owner, obj, phrase
        self.timed = timed
        self.guessed = guessed  # the source a lock was found from, without debug information
        if timed:
            self.text += " (%s)" % timed


class NativeLock:
    """What THREAD's native frames tell of the lock a _thread lock acquire
    waits for: SELF, the lock object the C function has as 'self' (0 if
    unread); KIND, "rlock" or "lock" (the function's), or None; MUTEX, the
    address of the PyMutex it waits on (3.14+), or 0."""

    def __init__(self):
        self.self, self.kind, self.mutex = 0, None, 0


def _read_address(frame, names):
    for var in names:
        try:
            value = int(frame.read_var(var))
        except (gdb.error, ValueError, RuntimeError):
            continue  # no such variable, no debug information, or optimized out
        if value:
            return value
    return 0


def native_stack(thread, most=48):
    """(the names of THREAD's native frames, innermost first, up to the
    first of the eval loop, without glibc's prefixes, leading '_' and gcc's
    clone suffixes; a NativeLock).  The selected thread and frame are
    kept."""
    selected = gdb.selected_thread()
    try:
        selected_frame = gdb.selected_frame()
    except gdb.error:
        selected_frame = None
    names, lock = [], NativeLock()
    parked = 0  # the address the innermost _PyParkingLot_Park waits on
    try:
        thread.switch()
        frame = gdb.newest_frame()
        while frame is not None and len(names) < most:
            name = _CLONE.sub("", frame.name() or "")
            if name == "_PyEval_EvalFrameDefault":
                break
            if name == _PARK and not parked:
                parked = _read_address(frame, ("addr",))
            elif name == _MUTEX_LOCK and not lock.mutex and lock.kind is None:
                lock.mutex = _read_address(frame, ("m",)) or parked
            elif name in _LOCK_FUNCTIONS:
                kind, variables = _LOCK_FUNCTIONS[name]
                if lock.kind is None:
                    lock.kind = kind
                if kind == lock.kind and not lock.self:
                    lock.self = _read_address(frame, variables)
            names.append(_PREFIX.sub("", name).lstrip("_"))
            frame = frame.older()
    except gdb.error:
        pass
    finally:
        selected.switch()
        if selected_frame is not None and selected_frame.is_valid():
            selected_frame.select()
    return names, lock


def _native_kind(names):
    for kind, functions in _NATIVE:
        if any(n in functions for n in names):
            return kind
    return None


def _shown(text):
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


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
        self._stdlib = None

    def read(self, thread, ts, gil):
        """The Wait of THREAD (or None), given its threadinfo.GilState GIL."""
        if gil.state != "released it":
            return None
        wait = None
        try:
            frames = list(self.walker.chain(ts))
            if frames:
                wait = self._library(frames, thread) or self._instruction(frames, thread)
        except (Unreadable, KeyError, IndexError, ValueError, OverflowError, gdb.error):
            wait = None  # a frame or object that is not what it should be
        if wait is not None:
            self.waits[thread.num] = wait
        return wait

    # -- 1. the library's own frames -------------------------------------------

    def _library(self, frames, thread):
        known, user = None, None
        if self._stdlib is None:
            self._stdlib = self.reach.module_dir("threading") or ""
        for address, head, code in frames:
            path = code.filename.replace("\\", "/")
            directory, _, base = path.rpartition("/")
            # Only the standard library's own files, not a program's
            # module of the same name.
            if base not in _LIBRARY_FILES or (directory != self._stdlib and
                                              not path.startswith("<frozen ")):
                user = address
                break
            kind = _LIBRARY.get((base, code.qualname))
            if kind is not None:
                known = (kind, address)
        if known is None:
            return None
        kind, address = known
        names = self.reach.names(address)
        obj = names.get("self")
        if not obj:
            return None
        timed = self.reach.timeout(names.get("timeout"))
        label = self.reach.name_for(obj, user)
        cls = self.r.type_name(self.r.type_of(obj))
        attr, count = self.reach.attr, self.reach.count
        if kind == "join":
            ident = attr(obj, "_ident")
            other = self.by_ident.get(self.r.int(ident) & 0xFFFFFFFFFFFFFFFF) \
                if ident and self.r.type_of(ident) == self.r.types["int"] else None
            name = self.reach.text(attr(obj, "_name")) or "?"
            joined = self._label(other) if other is not None else \
                'the Thread "%s", which runs no Python code' % view.printable(name)
            return Wait("Thread.join() of %s" % joined, other, obj,
                        "waits in Thread.join() for", timed)
        if kind == "import":
            module = self.reach.text(attr(obj, "name")) or "?"
            owner = self._ident_thread(attr(obj, "owner"))
            held = ", held by %s" % self._label(owner) if owner is not None else ""
            return Wait("the import lock of module '%s'%s" % (view.printable(module), held),
                        owner, obj, "waits for the import lock of module '%s', held by"
                        % view.printable(module))
        if kind == "pyrlock":
            timed = self.reach.timeout(names.get("timeout"), none=-1)
            owner = self._owner(obj, thread)
            return Wait("RLock %s (pure-Python)%s" % (label, self._lock_state(obj, thread)),
                        owner, obj, "waits for RLock %s, held by" % label, timed)
        if kind == "condenter":
            lock = attr(obj, "_lock")
            return Wait("the lock of Condition %s, entering it%s"
                        % (label, self._lock_state(lock, thread)), self._owner(lock, thread),
                        obj, "waits for the lock of Condition %s, held by" % label)
        if kind == "event":
            state = self.reach.flag(obj, "_flag", "set", "not set")
            return Wait("Event.wait() on %s %s (%s)" % (cls, label, state), None, obj, "",
                        timed)
        if kind == "condition":
            lock = attr(obj, "_lock")
            return Wait("Condition.wait() on %s %s%s" % (cls, label,
                                                          self._lock_state(lock, thread)),
                        None, obj, "", timed)
        if kind == "semaphore":
            value = attr(obj, "_value")
            return Wait("Semaphore.acquire() on %s %s (value %s)"
                        % (cls, label, self.reach.number(value) if value else "?"),
                        None, obj, "", timed)
        if kind == "barrier":
            return Wait("Barrier.wait() on %s %s" % (cls, label), None, obj, "", timed)
        items = count(attr(obj, "queue"))
        size = "%d item%s" % (items, "" if items == 1 else "s")
        verb = {"get": "Queue.get()", "put": "Queue.put()", "qjoin": "Queue.join()"}[kind]
        return Wait("%s on %s %s (%s)" % (verb, cls, label, size), None, obj, "", timed)

    # -- 2. the innermost frame's instruction and the native stack ---------------

    def _instruction(self, frames, thread):
        address, head, code = frames[0]
        names, native = native_stack(thread)
        c_lock = self._native_lock(native)
        kind = _native_kind(names)
        if kind is None:
            return None
        offset = self.walker.instruction(head, code)
        text = explain.segment(code.filename, code.positions(offset))
        node = _parsed(text)
        if isinstance(node, (ast.With, ast.AsyncWith)):
            # 3.11 and 3.12 give BEFORE_WITH the whole statement; the
            # instruction before it loaded the item being entered.
            text = explain.segment(code.filename, code.positions(offset - 2))
            node = _parsed(text)
        shown = " in `%s`" % _shown(text) if text else ""
        if kind != "lock":
            return Wait(_NATIVE_TEXT[kind] + shown)
        found = self._lock_object(node, address, code, thread, c_lock)
        if isinstance(found, str):
            return Wait("a lock%s %s" % (shown, found))
        if not found:
            simple = self._simple_queue(node, address, code)
            return Wait(simple or "a lock" + shown)
        obj, source = found
        label = "`%s`" % _shown(source) if source else self.reach.name_for(obj, address)
        cls = _CLASS_NAMES.get(self.r.tp_name(self.r.type_of(obj))) or \
            self.r.type_name(self.r.type_of(obj))
        return Wait("%s %s%s" % (cls, label, self._lock_state(obj, thread)),
                    self._owner(obj, thread), obj, "waits for %s %s, held by" % (cls, label),
                    self._call_timeout(node, address, code),
                    guessed=None if c_lock else label)

    def _native_lock(self, native):
        """The lock object a NativeLock tells: the C function's 'self', else
        (3.14+) the lock of that function's kind whose PyMutex is the one
        waited on, if the object there is one; else 0."""
        if native.self or native.kind is None or not native.mutex:
            return native.self
        L = self.r.L
        fact, type_name = {"rlock": ("rlock.mutex", "_thread.RLock"),
                           "lock": ("lock.mutex", "_thread.lock")}[native.kind]
        if fact not in L:
            return 0
        lock = native.mutex - L.off(fact)
        try:
            return lock if self.r.tp_name(self.r.type_of(lock)) == type_name else 0
        except Unreadable:
            return 0

    def _namespace(self, address, code):
        names = self.reach.names(address)
        if not code.optimized:
            ns = _u64(address + self.walker.off["locals"])
            if ns:
                for key, value in self.r.dict_items(ns, subclass=True):
                    if self.r.type_of(key) == self.r.types["str"]:
                        names.setdefault(self.r.str(key), value)
        return names

    def _lock_object(self, node, address, code, thread, c_lock):
        """(the lock the thread blocks on, the source naming it or None):
        the C frame's 'self' when gdb could read it, else the value of the
        instruction's lock expression when it can be that lock; None, or a
        note saying why the expression's value cannot be it."""
        candidates = _lock_candidates(node)
        names = self._namespace(address, code)
        values = []
        for candidate in candidates:
            try:
                value = explain.resolve(self.r, names, self.reach.globals_of(address),
                                        candidate)
            except (Unreadable, KeyError):
                value = 0
            if value:
                values.append((value, ast.unparse(candidate)))
        if c_lock:
            for value, source in values:
                if value == c_lock:
                    return value, source
            return c_lock, None
        if not values:
            return None
        value, source = values[0]
        why = self._cannot_be(value, thread)
        if why:
            return "(`%s` is %s now, so it is not the lock this thread waits for)" % (
                _shown(source), why)
        return value, source

    def _cannot_be(self, lock, thread):
        """Why LOCK cannot be the lock THREAD blocks on, or None."""
        name = self.r.tp_name(self.r.type_of(lock))
        if name == "_thread.RLock":
            owner, count = self._rlock(lock)
            if not count:
                return "an RLock that is not held"
            if self.by_ident.get(owner) == thread:
                return "an RLock this thread holds"
            return None
        if name == "_thread.lock":
            return None if self._locked(lock) else "a Lock that is not locked"
        return "a %s, not a lock" % self.r.type_name(self.r.type_of(lock))

    def _rlock(self, lock):
        """(owner's thread identifier, recursion count) of the _thread.RLock
        at LOCK; 0 for both when no thread holds it.  Up to 3.13 its
        rlock_owner and rlock_count; 3.14+ its _PyRecursiveMutex's thread,
        and its level, which counts only the acquisitions beyond the first
        (rlock.count_held_once says which)."""
        L = self.r.L
        owner = _u64(lock + L.off("rlock.owner"))
        if not owner:
            return 0, 0
        return owner, _u64(lock + L.off("rlock.count")) + 1 - L["rlock.count_held_once"]

    def _locked(self, lock):
        """Whether the _thread.lock at LOCK is held: its 'locked' byte, or
        from 3.13.1 on the locked bit of its PyMutex."""
        L = self.r.L
        if "lock.locked" in L:
            return bool(_mem(lock + L.off("lock.locked"), 1)[0])
        return bool(_mem(lock + L.off("lock.mutex"), 1)[0] & L["mutex.locked_bit"])

    def _simple_queue(self, node, address, code):
        """'SimpleQueue.get() on ...' for `q.get()` on a queue.SimpleQueue."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                node.func.attr in ("get", "put")):
            return None
        try:
            value = explain.resolve(self.r, self._namespace(address, code),
                                    self.reach.globals_of(address), node.func.value)
        except (Unreadable, KeyError):
            return None
        if not value or self.r.tp_name(self.r.type_of(value)) != "_queue.SimpleQueue":
            return None
        return "SimpleQueue.%s() on SimpleQueue `%s`" % (node.func.attr,
                                                         _shown(ast.unparse(node.func.value)))

    def _call_timeout(self, node, address, code):
        """'timeout N s' when NODE, a lock's acquire() call, passes one (a
        constant, or a name read from memory; -1 is none)."""
        if not isinstance(node, ast.Call):
            return None
        timeout = node.args[1] if len(node.args) > 1 else \
            next((k.value for k in node.keywords if k.arg == "timeout"), None)
        if timeout is None:
            return None
        if isinstance(timeout, ast.Constant) and isinstance(timeout.value, (int, float)):
            return None if timeout.value == -1 else "timeout %g s" % timeout.value
        try:
            value = explain.resolve(self.r, self._namespace(address, code),
                                    self.reach.globals_of(address), timeout)
        except (Unreadable, KeyError):
            value = 0
        if value and self.r.type_of(value) in (self.r.types["int"], self.r.types["float"]):
            return self.reach.timeout(value, none=-1)
        return "timeout `%s`" % _shown(ast.unparse(timeout))

    def _ident_thread(self, ident):
        if ident and self.r.type_of(ident) == self.r.types["int"]:
            return self.by_ident.get(self.r.int(ident) & 0xFFFFFFFFFFFFFFFF)
        return None

    def _owner(self, lock, thread=None):
        """The gdb thread holding LOCK, an RLock (C or Python), or None; never
        THREAD itself (a thread does not wait for an RLock it holds)."""
        if not lock:
            return None
        name = self.r.tp_name(self.r.type_of(lock))
        owner = None
        if name == "_thread.RLock":
            ident, count = self._rlock(lock)
            owner = self.by_ident.get(ident) if count else None
        elif self.r.type_name(self.r.type_of(lock)) == "_RLock":
            owner = self._ident_thread(self.reach.none(self.reach.attr(lock, "_owner")))
        return None if owner == thread else owner

    def _lock_state(self, lock, thread):
        if not lock:
            return ""
        name = self.r.tp_name(self.r.type_of(lock))
        if name == "_thread.RLock" or self.r.type_name(self.r.type_of(lock)) == "_RLock":
            owner = self._owner(lock, thread)
            if owner is not None:
                return ", held by %s" % self._label(owner)
            if name == "_thread.RLock":
                ident, count = self._rlock(lock)
                if count and ident not in self.by_ident:
                    return (", held by no thread running Python now (identifier 0x%x; it "
                            "may have ended)" % ident)
            return ""
        if name == "_thread.lock":
            return " (a Lock records no owner)"
        return ""

    def _label(self, thread):
        name = self.names.get(thread.ptid[1]) or thread.name
        return "Thread %d (LWP %d)%s" % (thread.num, thread.ptid[1],
                                         ' "%s"' % view.printable(name) if name else "")

    # -- cycles ----------------------------------------------------------------

    def find_cycles(self):
        """Cycles of two or more threads waiting for each other, each once."""
        graph = {num: w.owner.num for num, w in self.waits.items()
                 if w.owner is not None and w.owner.num != num}
        seen = set()
        for start in graph:
            path, at = [], start
            while at in graph and at not in path:
                path.append(at)
                at = graph[at]
            if at in path:
                cycle = path[path.index(at):]
                if len(cycle) > 1 and frozenset(cycle) not in seen:
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
        timed = [num for num in cycle if self.waits[num].timed]
        if timed:
            end = "It lasts until the %s of %s runs out." % (
                " or ".join(self.waits[n].timed for n in timed),
                " or ".join(labels[n] for n in timed))
        else:
            end = "None of these %d threads can go on." % len(cycle)
        guessed = [num for num in cycle if self.waits[num].guessed]
        if guessed:
            end += (" (Without CPython's debug information, py-hook found the lock%s from the "
                    "current value of %s in the source; if the program rebinds %s, check.)"
                    % ("s" if len(guessed) > 1 else "",
                       " and ".join(self.waits[n].guessed for n in guessed),
                       "them" if len(guessed) > 1 else "it"))
        return "Deadlock: %s. %s" % (", ".join(parts), end)


def _parsed(text):
    """TEXT (a source segment) as an expression node, or a with statement,
    or None."""
    if not text:
        return None
    text = text.strip()
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    first = text.split("\n", 1)[0].rstrip()
    for source in (text, first + "\n pass"):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if tree.body and isinstance(tree.body[0], (ast.With, ast.AsyncWith)):
            return tree.body[0]
        return None
    return None


def _lock_candidates(node):
    """The expressions in NODE, the instruction blocked in a lock acquire,
    that may be the lock: X of `X.acquire(...)` or `X.__enter__()`, or NODE
    itself (a with item)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("acquire", "__enter__", "acquire_lock"):
        return [node.func.value]
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return [node]
    return []
