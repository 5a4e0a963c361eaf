"""asyncio tasks, read from memory: for py-hook-tasks and --task.

Where the tasks are (Lib/asyncio/tasks.py, whose registry the _asyncio C
module shares): 3.11 keeps every task in the WeakSet asyncio.tasks._all_tasks;
3.12 and 3.13 keep scheduled tasks in the WeakSet _scheduled_tasks and
tasks running eagerly (eager_start) in the set _eager_tasks.  A WeakSet's
items are the referents of the weak references in its 'data' set.
_current_tasks maps each running loop to the task it is running.  From
3.14 on, C tasks are instead in a linked list per thread (through each
task's task_node, headed in _PyThreadStateImpl.asyncio_tasks_head; tasks
of threads that ended are in the interpreter's list), the list `python -m
asyncio ps` reads, and each thread state names its running loop and task;
the sets hold only tasks of other classes.  A C task leaves its list once
done, so a finished C task is in no registry on 3.14+; and a C task in its
eager first step is in no set of eager tasks, so it is told by its
coroutine running inside another task's step (one started eagerly outside
any task is listed as running, not as eager).

A task is the C _asyncio.Task (fields of the "asyncio" facts, facts.py) or
the pure-Python asyncio.tasks.Task (instance attributes _coro, _state,
_fut_waiter, _name...), or a subclass of either.  Its coroutine chain is
coroutines.Reader.chain; what it waits for is its _fut_waiter (the future
its last step yielded) and the asyncio function its innermost frames run
(sleep, Lock.acquire, Queue.get...).  Nothing here runs code of the target.
"""

import ast
import struct
import time

import gdb

from . import coroutines, explain, reach, target, view
from .layout import PY_3_14, asyncio_layout
from .objects import Unreadable, _mem, _u64

_PY_STATES = {"PENDING": "pending", "CANCELLED": "cancelled", "FINISHED": "finished"}
# asyncio functions a task waits in, by (file, qualname); the innermost
# run of such frames names the wait by its outermost known one.
_LIBRARY_FILES = ("tasks.py", "locks.py", "queues.py", "taskgroups.py")
_KNOWN = {
    ("tasks.py", "sleep"): "sleep", ("tasks.py", "__sleep0"): "sleep0",
    ("locks.py", "Lock.acquire"): "lock", ("locks.py", "Event.wait"): "event",
    ("locks.py", "Condition.wait"): "condition", ("locks.py", "Condition.wait_for"): "condition",
    ("locks.py", "Semaphore.acquire"): "semaphore", ("locks.py", "Barrier.wait"): "barrier",
    ("queues.py", "Queue.get"): "get", ("queues.py", "Queue.put"): "put",
    ("queues.py", "Queue.join"): "join", ("tasks.py", "wait"): "wait",
    ("tasks.py", "wait_for"): "wait_for", ("tasks.py", "_wait"): "wait",
    ("taskgroups.py", "TaskGroup.__aexit__"): "taskgroup",
    ("taskgroups.py", "TaskGroup._aexit"): "taskgroup",
}


class Task:
    """One task as read from memory.  LEVELS: the interpreter frame
    addresses of its coroutine chain, outermost (the task's coroutine)
    first; GENS: the Gen of each level that is one (None for a plain
    function frame of a running task)."""

    def __init__(self, address):
        self.address = address
        self.name = "?"
        self.state = "pending"
        self.cancelling = False
        self.python = False
        self.eager = False
        self.loop = self.coro = self.waiter = 0
        self.result = self.exception = 0
        self.levels, self.gens, self.leaf = [], [], 0
        self.thread = None  # (gdb thread, frame index of level 0) while it runs
        self.error = None  # why the chain could not be read
        self.note = None  # what is missing from the chain
        self.waits = None  # what it waits for, a sentence
        self.waits_on = []  # the tasks it waits for (addresses)
        self.timed = None  # 'timeout in N s' when a timeout will end its wait
        self.interp = 0  # the address of the interpreter whose asyncio has it


class Loop:
    def __init__(self, address, type_name):
        self.address, self.type_name = address, type_name
        self.thread = None  # the gdb thread running it
        self.current = 0  # the task it runs now
        self.closed = False
        self.tasks = []


class Tasks:
    """All tasks of the process: LOOPS (in order of first task), TASKS by
    address, and CYCLES (lists of task addresses waiting on each other)."""

    def __init__(self, rt, walker, only=None):
        """ONLY: a function of a Task; when given, only the tasks it accepts
        get their chains and waits read (py-hook-locals --task), and no
        cycles are looked for."""
        self.rt = rt
        self.walker = walker
        self.r = walker.reader
        self.cor = coroutines.Reader(walker)
        self.reach = reach.Reach(walker)
        self.fields = asyncio_layout(rt.version)
        f = self.fields
        self.c_states = {f["future.state.pending"]: "pending",
                         f["future.state.cancelled"]: "cancelled",
                         f["future.state.finished"]: "finished"}
        self.loops, self.tasks, self.cycles = [], {}, []
        self.imported = False
        self.live = not target.is_core()
        self._threads = None
        self._timeouts = None
        self._asyncio_dir = None
        registry = []
        for interp in rt.interpreters:
            module = self.r.dict_get(interp.modules, "asyncio.tasks") if interp.modules else 0
            if not module:
                continue
            self.imported = True
            ns = self.r.module_dict(module)
            for name, eager in (("_all_tasks", False), ("_scheduled_tasks", False),
                                ("_eager_tasks", True)):
                holder = self.r.dict_get(ns, name)
                if holder:
                    registry += [(t, eager, interp) for t in self._members(holder)]
            current = self.r.dict_get(ns, "_current_tasks")
            self.current = dict(self.r.dict_items(current)) if current else {}
        if rt.version >= PY_3_14 and self.imported:
            registry += self._linked_tasks(rt)
        loops = {}
        for address, eager, interp in registry:
            if address in self.tasks:
                continue
            task = self._task(address)
            if task is None:
                # _register_task() took an object that is no asyncio Task.
                task = Task(address)
                task.state = "?"
                task.error = "a %s registered as a task, not an asyncio Task: py-hook cannot " \
                    "read it" % self.r.type_name(self.r.type_of(address))
            task.eager = eager
            task.interp = interp.address
            self.tasks[address] = task
            loop = loops.get(task.loop)
            if loop is None:
                loop = loops[task.loop] = self._loop(task.loop)
                self.loops.append(loop)
            loop.tasks.append(task)
        # The frame of each task's coroutine: a running task's levels stop
        # where another task's begin (an eager task started inside it).
        self.coro_frames = {t.coro + self.cor.iframe_off: t for t in self.tasks.values()
                            if t.coro}
        chosen = [t for t in self.tasks.values() if only is None or only(t)]
        for task in chosen:
            self._chain(task)
        for task in chosen:
            self._waits(task)
        for loop in self.loops:
            # A set's order is its hashes': the running task first, then by name.
            loop.tasks.sort(key=lambda t: (t.thread is None, t.name, t.address))
        if only is None:
            self._find_cycles()

    # -- the registry ----------------------------------------------------------

    def _linked_tasks(self, rt):
        """3.14+: [(task, False, interpreter)] of the C tasks in every
        thread's list and each interpreter's list, and the task each
        thread's running loop runs (into self.current)."""
        L, out = rt.fields, []
        node_off = self.fields.off("task.node")
        heads = []
        for interp in rt.interpreters:
            heads.append((interp.address + L.off("interp.asyncio_tasks_head"), interp))
            for ts in interp.threads:
                heads.append((ts.address + L.off("tstateimpl.asyncio_tasks_head"), interp))
                loop = _u64(ts.address + L.off("tstateimpl.asyncio_running_loop"))
                task = _u64(ts.address + L.off("tstateimpl.asyncio_running_task"))
                if loop and task:
                    self.current.setdefault(loop, task)
        for head, interp in heads:
            node, seen = _u64(head), 0
            # An llist_node's next, then prev; the list is circular.
            while node and node != head and seen < 1 << 22:
                out.append((node - node_off, False, interp))
                node = _u64(node)
                seen += 1
        return out

    def _members(self, holder):
        """The objects in a set, or in a WeakSet (the live referents)."""
        r = self.r
        tp = r.type_of(holder)
        if tp == r.types["set"]:
            return list(r.set_keys(holder))
        data = r.attribute(holder, "data")
        if not data or r.type_of(data) != r.types["set"]:
            return []
        out = []
        for ref in r.set_keys(data):
            if r.type_of(ref) != r.types["weakref"]:
                continue
            obj = _u64(ref + r.WEAKREF_OBJECT)  # None once the referent died
            if obj and obj != r.constants["None"]:
                out.append(obj)
        return out

    def _class(self, obj):
        """'c' for a C task or future, 'python' for asyncio's pure-Python
        ones, None for anything else; and 'task' or 'future'."""
        r = self.r
        for tp in r.mro(r.type_of(obj)):
            name = r.tp_name(tp)
            if name in ("_asyncio.Task", "_asyncio.Future"):
                return "c", name[9:].lower()
            if name in ("Task", "Future"):
                full = r.full_type_names(tp)
                if "asyncio.tasks.Task" in full or "asyncio.futures.Future" in full:
                    return "python", name.lower()
        return None, None

    def future_state(self, obj):
        """(pending/cancelled/finished or None, result, exception) of a future."""
        impl, _ = self._class(obj)
        if impl == "c":
            f = self.fields
            raw = struct.unpack("<i", _mem(obj + f["future.state"].offset, 4))[0]
            return (self.c_states.get(raw), _u64(obj + f["future.result"].offset),
                    _u64(obj + f["future.exception"].offset))
        if impl == "python":
            raw = self.reach.attr(obj, "_state")
            state = _PY_STATES.get(self.reach.text(raw)) if raw else None
            return state, self.reach.attr(obj, "_result"), self.reach.none(self.reach.attr(obj, "_exception"))
        return None, 0, 0

    def _task(self, address):
        impl, kind = self._class(address)
        if kind != "task":
            return None
        task = Task(address)
        task.python = impl == "python"
        task.state, task.result, task.exception = self.future_state(address)
        task.state = task.state or "?"
        f, r = self.fields, self.r
        if impl == "c":
            name = _u64(address + f["task.name"].offset)
            task.coro = _u64(address + f["task.coro"].offset)
            task.waiter = _u64(address + f["task.fut_waiter"].offset)
            task.loop = _u64(address + f["future.loop"].offset)
            must = f["task.must_cancel"]
            raw = _mem(address + must.offset, must.size)
            flag = (raw[0] >> must.bit) & 1 if must.bit is not None else int.from_bytes(raw, "little")
            requested = struct.unpack("<i", _mem(address + f["task.num_cancels_requested"].offset,
                                                 4))[0]
            task.cancelling = bool(flag or requested > 0)
        else:
            name = self.reach.attr(address, "_name")
            task.coro = self.reach.attr(address, "_coro")
            task.waiter = self.reach.none(self.reach.attr(address, "_fut_waiter"))
            task.loop = self.reach.attr(address, "_loop")
            task.cancelling = self.reach.attr(address, "_must_cancel") == r.constants["True"]
            requested = self.reach.attr(address, "_num_cancels_requested")
            if requested and r.type_of(requested) == r.types["int"]:
                task.cancelling = task.cancelling or r.int(requested) > 0
        if name and r.type_of(name) == r.types["int"]:
            # 3.12+ names a task lazily from a counter: 'Task-N' once asked.
            task.name = "Task-%d" % r.int(name)
        elif name:
            text = self.reach.text(name)
            task.name = "?" if text is None else text
        return task

    def _loop(self, address):
        r = self.r
        try:
            loop = Loop(address, r.type_name(r.type_of(address)) if address else "?")
        except Unreadable:
            return Loop(address, "?")
        if not address:
            return loop
        ident = self.reach.attr(address, "_thread_id")
        if ident and r.type_of(ident) == r.types["int"]:
            loop.thread = self.thread_by_ident(r.int(ident) & 0xFFFFFFFFFFFFFFFF)
        loop.closed = self.reach.attr(address, "_closed") == r.constants["True"]
        loop.current = self.current.get(address, 0)
        return loop

    def threads(self):
        """[(gdb thread, ThreadState)] of the process's Python threads."""
        if self._threads is None:
            self._threads = []
            for thread in gdb_threads():
                ts = self.rt.thread_for_lwp(thread.ptid[1])
                if ts is not None:
                    self._threads.append((thread, ts))
        return self._threads

    def thread_by_ident(self, ident):
        for thread, ts in self.threads():
            if ts.pthread == ident:
                return thread
        return None

    # -- chains and waits ------------------------------------------------------

    def _chain(self, task):
        if task.state != "pending":
            return
        try:
            if self.cor.kind(task.coro) is None:
                task.error = "its coroutine is a %s, which py-hook cannot follow" % \
                    self.r.type_name(self.r.type_of(task.coro)) if task.coro else "it has no coroutine"
                return
            gens, task.leaf = self.cor.chain(task.coro)
            if len(gens) >= coroutines.MAX_CHAIN:
                task.note = "its await chain is cut at %d levels" % len(gens)
            if gens[0].state == "running":
                self._running(task, gens[0])
                return
            task.gens = gens
            task.levels = [g.frame for g in gens]
        except Unreadable as e:
            task.error = "its coroutines could not be read (%s)" % e

    def _running(self, task, gen):
        """A task whose coroutine runs now: its levels are the frames of
        the thread running it, from the coroutine's frame inwards."""
        for thread, ts in self.threads():
            try:
                frames = [address for address, _, _ in self.walker.chain(ts)]
            except Unreadable:
                continue
            if gen.frame in frames:
                at = frames.index(gen.frame)
                task.thread = (thread, at)
                if any(f in self.coro_frames for f in frames[at + 1:]):
                    # The loop runs each step of a task from its own
                    # callbacks, never inside another task's step: a task
                    # whose coroutine runs above another task's in the same
                    # thread is in its first step, started eagerly from
                    # that task (eager_start).  3.14+ records that nowhere
                    # for C tasks (3.12 and 3.13 keep them in _eager_tasks).
                    task.eager = True
                inner = at
                while inner > 0 and frames[inner - 1] not in self.coro_frames:
                    inner -= 1
                task.levels = list(reversed(frames[inner:at + 1]))
                at -= inner
                task.gens = [gen] + [None] * at
                for i, address in enumerate(task.levels[1:], 1):
                    owner = self.cor.kind(address - self.cor.iframe_off)
                    if owner is not None:
                        try:
                            task.gens[i] = self.cor.read(address - self.cor.iframe_off)
                        except Unreadable:
                            pass
                return
        task.levels = [gen.frame]
        task.gens = [gen]

    def _library(self, address):
        """(file base name, qualname) of the frame at ADDRESS when it is one
        of asyncio's, else None."""
        frame = self.cor.frame(address, 0)
        path = frame.filename.replace("\\", "/")
        directory, _, base = path.rpartition("/")
        if self._asyncio_dir is None:
            self._asyncio_dir = self.reach.module_dir("asyncio") or ""
        if directory == self._asyncio_dir and base in _LIBRARY_FILES:
            return base, frame.function
        return None

    def _waits(self, task):
        if task.state != "pending" or task.error:
            return
        if task.thread is not None:
            thread, _ = task.thread
            task.waits = "runs now in Thread %d (LWP %d)" % (thread.num, thread.ptid[1])
            return
        if task.gens and task.gens[0].state == "created":
            task.waits = "has not started: it runs when the loop next gets to it"
            return
        waiter = task.waiter
        if waiter and self._waiter_done(waiter):
            task.waits = "is ready to run: what it waited for is done%s, so the loop resumes " \
                "it at its next step" % (" (cancelled)" if task.cancelling else "")
            return
        task.timed = self._deadline(task)
        if waiter and waiter in self.tasks:
            task.waits_on = [waiter]
            task.waits = 'waits for task "%s"' % self.tasks[waiter].name
            if task.timed:
                task.waits += " (%s)" % task.timed
            return
        # The innermost run of asyncio's own frames says what the wait is.
        known, user = None, None
        for i in range(len(task.levels) - 1, -1, -1):
            lib = self._library(task.levels[i])
            if lib is None:
                user = task.levels[i]
                break
            if lib in _KNOWN:
                known = (_KNOWN[lib], task.levels[i])
        if known is not None:
            self._current = task
            task.waits = self._describe(known[0], known[1], user)
            if task.waits:
                if task.timed and "timeout" not in task.waits:
                    task.waits += " (%s)" % task.timed
                return
        if waiter:
            task.waits = self._future_text(task, waiter, user)
        elif task.leaf:
            task.waits = "awaits a %s" % self.r.type_name(self.r.type_of(task.leaf))
        else:
            task.waits = "is ready to run: the loop runs it at its next step"

    def _waiter_done(self, waiter):
        """Whether the future a task waits on is done already: the task is
        scheduled to run (a cancel, a result set just now)."""
        if waiter in self.tasks:
            return self.tasks[waiter].state not in ("pending", "?")
        state = self.future_state(waiter)[0]
        return state is not None and state != "pending"

    def _deadline(self, task):
        """'timeout in N s' (or 'timeout at loop time T' in a core file) when
        an asyncio.timeout() context (also wait_for's, on 3.12+) will cancel
        TASK: a TimerHandle in its loop's _scheduled whose callback is a
        bound method of a Timeout whose _task is TASK."""
        if self._timeouts is None:
            self._timeouts = {}
            r = self.r
            for loop in self.loops:
                scheduled = self.reach.attr(loop.address, "_scheduled") if loop.address else 0
                if not scheduled or r.type_of(scheduled) != r.types["list"]:
                    continue
                n = r.size(scheduled)
                if not 0 < n < 1 << 24:
                    continue
                for handle in r.sequence_items(scheduled, 0, n):
                    callback = self.reach.attr(handle, "_callback")
                    if not callback or r.type_of(callback) != r.types["method"]:
                        continue
                    owner = _u64(callback + r.L.off("method.self"))
                    if r.type_name(r.type_of(owner)) != "Timeout":
                        continue
                    victim = self.reach.attr(owner, "_task")
                    when = self.reach.attr(handle, "_when")
                    if victim and when and r.type_of(when) == r.types["float"]:
                        self._timeouts[victim] = r.float(when)
        due = self._timeouts.get(task.address)
        if due is None:
            return None
        if self.live:
            return "timeout in %.1f s" % max(0.0, due - time.monotonic())
        return "timeout at loop time %.1f" % due

    def _children(self, gathering, depth=0):
        """The futures a _GatheringFuture waits for, nested gathers opened."""
        r = self.r
        children = self.reach.attr(gathering, "_children")
        if not children or r.type_of(children) != r.types["list"]:
            return []
        n = r.size(children)
        if not 0 < n < 1 << 24:
            return []
        out = []
        for child in r.sequence_items(children, 0, n):
            if depth < 32 and child not in self.tasks and \
                    r.type_name(r.type_of(child)) == "_GatheringFuture":
                out += self._children(child, depth + 1)
            else:
                out.append(child)
        return out

    def _pending(self, future):
        if future in self.tasks:
            return self.tasks[future].state == "pending"
        return self.future_state(future)[0] == "pending"

    def _task_names(self, addresses, most=8):
        named = ['"%s"' % self.tasks[a].name for a in addresses if a in self.tasks]
        more = len(named) - most
        return ", ".join(named[:most]) + (", and %d more" % more if more > 0 else "")

    def _future_text(self, task, waiter, user):
        r = self.r
        tp_name = r.type_name(r.type_of(waiter))
        if tp_name == "_GatheringFuture":
            items = self._children(waiter)
            pending = [c for c in items if self._pending(c)]
            task.waits_on = [c for c in pending if c in self.tasks]
            others = len(items) - len([c for c in items if c in self.tasks])
            what = self._task_names(items)
            if others:
                what += "%s%d other future%s" % (", " if what else "", others,
                                                  "" if others == 1 else "s")
            return "waits for gather(%s): %d of %d pending" % (what, len(pending), len(items))
        state = self.future_state(waiter)[0] or "?"
        text = "waits for a %s (%s) at 0x%x" % (tp_name, state, waiter)
        # The awaiting frame's own expression may name the tasks behind the
        # future (asyncio.shield(task), a callback's future...).
        behind, shielded = self._tasks_in_source(user, task)
        if shielded:
            # await asyncio.shield(T): the outer future ends when T does.
            task.waits_on = shielded
            text += ", from `%s`: task %s, shielded" % (self._source_of(user),
                                                      self._task_names(shielded))
        elif behind:
            # Only a hint: the expression names these tasks, it may not
            # wait for them (a task passed to a function as an argument).
            text += ", from `%s`, which names task%s %s" % (
                self._source_of(user), "" if len(behind) == 1 else "s", self._task_names(behind))
        return text

    def _source_of(self, address):
        """The source of the current instruction of the frame at ADDRESS."""
        walker = self.walker
        head, code = walker.frame_at(address)
        text = explain.segment(code.filename, code.positions(walker.instruction(head, code)))
        return " ".join(text.split()) if text else None

    def _tasks_in_source(self, address, task):
        """(the pending tasks other than TASK that the names, attribute
        chains and constant subscripts in the current instruction of the
        frame at ADDRESS evaluate to, read from memory; those of them passed
        to shield())."""
        if not address:
            return [], []
        text = self._source_of(address)
        if not text:
            return [], []
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            try:
                tree = ast.parse(text.strip())
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return [], []
        names = self.reach.names(address)
        found, shielded = [], []

        def task_of(node):
            try:
                value = explain.resolve(self.r, names, self.reach.globals_of(address), node)
            except (Unreadable, KeyError):
                return 0
            return value if value in self.tasks and value != task.address and \
                self.tasks[value].state == "pending" else 0

        for node in ast.walk(tree):
            value = task_of(node)
            if value and value not in found:
                found.append(value)
            if isinstance(node, ast.Call) and node.args and (
                    isinstance(node.func, ast.Name) and node.func.id == "shield" or
                    isinstance(node.func, ast.Attribute) and node.func.attr == "shield"):
                value = task_of(node.args[0])
                if value and value not in shielded:
                    shielded.append(value)
        return found, shielded

    def _describe(self, kind, address, user):
        """The sentence for a wait in the asyncio function at ADDRESS, called
        from the frame USER (the name the object has there)."""
        names = self.reach.names(address)
        if kind == "sleep":
            delay = names.get("delay")
            text = "waits in asyncio.sleep(%s)" % (self.reach.number(delay) if delay else "?")
            handle = names.get("h")
            when = self.reach.attr(handle, "_when") if handle else 0
            if when and self.r.type_of(when) == self.r.types["float"]:
                due = self.r.float(when)
                if self.live:
                    # loop.time() is time.monotonic(): CLOCK_MONOTONIC, the
                    # same clock in gdb and in the process.
                    text += ", %.1f s left" % max(0.0, due - time.monotonic())
                else:
                    text += ", due at loop time %.1f" % due
            return text
        if kind == "sleep0":
            return "yields to the loop once (asyncio.sleep(0))"
        obj = names.get("self")
        if kind == "wait":
            # asyncio.wait(): its _wait() holds the set of futures, fs, its
            # timeout and return_when.
            fs = names.get("fs")
            items = list(self.r.set_keys(fs)) if fs and \
                self.r.type_of(fs) in (self.r.types["set"], self.r.types["frozenset"]) else []
            when = self.reach.text(names.get("return_when")) if names.get("return_when") else None
            first = when == "FIRST_COMPLETED" and \
                len([f for f in items if self._pending(f)]) > 1
            return self._waits_for("asyncio.wait()", items, self.reach.timeout(names.get("timeout")),
                                   "the first" if first else None)
        if kind == "wait_for":
            fut = names.get("fut")
            return self._waits_for("asyncio.wait_for()", [fut] if fut else [],
                                   self.reach.timeout(names.get("timeout")))
        if kind == "taskgroup":
            tasks = self.reach.attr(obj, "_tasks") if obj else 0
            items = list(self.r.set_keys(tasks)) if tasks and \
                self.r.type_of(tasks) == self.r.types["set"] else []
            return self._waits_for("a TaskGroup's end", items)
        if not obj:
            return None
        what = {"lock": ("Lock.acquire", "Lock"), "event": ("Event.wait", "Event"),
                "condition": ("Condition.wait", "Condition"),
                "semaphore": ("Semaphore.acquire", "Semaphore"),
                "barrier": ("Barrier.wait", "Barrier"), "get": ("Queue.get", "queue"),
                "put": ("Queue.put", "queue"), "join": ("Queue.join", "queue")}[kind]
        cls = self.r.type_name(self.r.type_of(obj))
        label = self.reach.name_for(obj, user)
        text = "waits in asyncio.%s() on %s %s" % (what[0], cls, label)
        state = self._state_of(kind, obj)
        return text + (" (%s)" % state if state else "")

    def _waits_for(self, what, futures, timed=None, first=None):
        """'waits in WHAT for task "a", task "b"' for the pending FUTURES,
        recorded as the task's waits_on (with TIMED, its timeout, kept for
        the deadlock paragraph); None when none is a task.  FIRST: it waits
        only for the first of them to finish (no edge of a cycle)."""
        pending = [f for f in futures if f in self.tasks and self.tasks[f].state == "pending"]
        if not pending:
            return None
        task = self._current
        if not first:
            task.waits_on = pending
        if timed:
            task.timed = timed
        return "waits in %s for %s%s %s%s" % (
            what, first + " of " if first else "", "task" if len(pending) == 1 else "tasks",
            self._task_names(pending), " (%s)" % timed if timed else "")

    def _state_of(self, kind, obj):
        r = self.r
        waiting = self.reach.count(self.reach.attr(obj, "_waiters"))
        tail = "%d waiting" % waiting if waiting else ""
        if kind == "lock":
            held = self.reach.flag(obj, "_locked", "locked", "unlocked")
            return ", ".join(x for x in (held, tail) if x)
        if kind == "event":
            held = self.reach.flag(obj, "_value", "set", "not set")
            return ", ".join(x for x in (held, tail) if x)
        if kind == "condition":
            lock = self.reach.attr(obj, "_lock")
            held = "its lock " + self.reach.flag(lock, "_locked", "locked", "unlocked") if lock \
                else "its lock unknown"
            return ", ".join(x for x in (held, tail) if x)
        if kind == "semaphore":
            value = self.reach.attr(obj, "_value")
            held = "value %s" % self.reach.number(value) if value and r.type_of(value) in (
                r.types["int"], r.types["float"]) else "value unknown"
            return ", ".join(x for x in (held, tail) if x)
        if kind in ("get", "put", "join"):
            items = self.reach.count(self.reach.attr(obj, "_queue"))
            maxsize = self.reach.attr(obj, "_maxsize")
            parts = ["%d item%s" % (items, "" if items == 1 else "s")]
            if maxsize and r.type_of(maxsize) == r.types["int"] and r.int(maxsize) > 0:
                parts.append("maxsize %d" % r.int(maxsize))
            getters = self.reach.count(self.reach.attr(obj, "_getters"))
            putters = self.reach.count(self.reach.attr(obj, "_putters"))
            if getters:
                parts.append("%d getter%s waiting" % (getters, "" if getters == 1 else "s"))
            if putters:
                parts.append("%d putter%s waiting" % (putters, "" if putters == 1 else "s"))
            return ", ".join(parts)
        return tail

    def _find_cycles(self):
        """Cycles of tasks waiting for each other (through an await of a
        task or a gather), each once: a depth-first search, a back edge
        closing a cycle."""
        graph = {a: [b for b in t.waits_on if b in self.tasks] for a, t in self.tasks.items()}
        seen, done = set(), set()
        for start in graph:
            if start in done:
                continue
            path, stack = [start], [iter(graph[start])]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    done.add(path.pop())
                    stack.pop()
                    continue
                if nxt in path:
                    cycle = path[path.index(nxt):]
                    if frozenset(cycle) not in seen:
                        seen.add(frozenset(cycle))
                        self.cycles.append(cycle)
                elif nxt not in done:
                    path.append(nxt)
                    stack.append(iter(graph[nxt]))

    def cycle_text(self, cycle):
        """One paragraph naming CYCLE, task addresses waiting in turn."""
        names = ['"%s"' % view.printable(self.tasks[a].name) for a in cycle]
        parts = ["task %s waits for task %s" % (names[0], names[1 % len(names)])]
        for i in range(1, len(names)):
            parts.append("which waits for task %s" % names[(i + 1) % len(names)])
        timed = [self.tasks[a] for a in cycle if self.tasks[a].timed]
        if timed:
            end = "It lasts until the %s of %s runs out." % (
                " or ".join(t.timed for t in timed),
                " or ".join('task "%s"' % view.printable(t.name) for t in timed))
        else:
            end = "None of these %d tasks can finish until one of them is cancelled." % len(cycle)
        return "Deadlock: %s. %s" % (", ".join(parts), end)


def gdb_threads():
    inferior = gdb.selected_inferior()
    return sorted(inferior.threads(), key=lambda t: t.num)


def find(tasks, name):
    """The task named NAME (or whose address is NAME, 0x...), or raises
    KeyError with the names there are."""
    matches = [t for t in tasks.tasks.values() if t.name == name]
    if not matches and name.lower().startswith("0x"):
        try:
            matches = [tasks.tasks[int(name, 16)]]
        except (ValueError, KeyError):
            matches = []
    if len(matches) != 1:
        raise KeyError(len(matches))
    return matches[0]
