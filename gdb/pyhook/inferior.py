"""The one place where py-hook calls into the target.

A call: check there is a stopped process with the helper loaded, handshake
once per process, write the request into the helper's request area, call the
entry point by address, read the channel and the reply back.  Nothing here
makes gdb allocate in the target: arguments are written into memory the
helper owns, so no string literal ever appears in a call expression.

While a call runs, gdb settings are adjusted and restored afterwards, also
on error:
- scheduler-locking on: only the selected thread runs during the call.
  Nothing in a call may wait for another thread, which is why safety.plan
  decides about the GIL before every call (see docs/safety.md), and a
  watchdog interrupts a call that outlives `py-hook call-timeout`.
- unwindonsignal off, SIGINT stopped and never passed to the program,
  confirm off: a call that does not end by itself (call-timeout, Ctrl-C,
  a crash) stops inside the call, where py-hook ends it: first the way
  Python ends code (an asynchronous exception, see _Interrupter), and only
  if that does not work by unwinding it ('return' from gdb's dummy frame),
  after which the caller puts the thread's Python state back
  (call() and _after_unwound).
- the user's breakpoints are disabled: one inside code the call runs would
  stop the call half-way.
- a post-call handler reads one vector register.  gdb writes back every
  register whose saved value differs from its cache, and a cache emptied by
  the call counts as different; on CPUs whose XSAVE area gdb 13 does not
  know (AMX), that write fails.  Reading a vector register refills the cache
  with the extended state the helper restored, which equals the saved one,
  so gdb has nothing to write.
"""

import ctypes
import signal
import struct
import threading
import time

import gdb

from . import abi, context, facts, runtime, selection, settings
from .errors import fail, helper_failed
from .target import LIBRARY as _LIB
from .target import (epoch, helper_objfile, process_alive, require_live, require_stopped_process,
                     symbol_address)


class Reply:
    """Outcome of a successful call: the reply text (hookhelper.h's record
    format, parsed by snapshot.py) and the target's Python version."""

    def __init__(self, text, python_version):
        self.text = text
        self.python_version = python_version


class _Channel:
    def __init__(self, pid, address, fields):
        (
            self.magic,
            self.abi_version,
            self.request_addr,
            self.request_capacity,
            _reply_addr,
            _reply_len,
            self.message_addr,
            self.message_capacity,
            _status,
            self.python_version,
            self.helper_version,
            self.in_flight,
            self.layout_addr,
            self.layout_names_addr,
            self.layout_names_len,
        ) = fields
        self.pid = pid
        self.epoch = epoch()
        self.address = address
        self.entry = {}
        # Why the helper has no layout (it then refuses every call), or None.
        self.layout_problem = None


_channel = None
_lib_path_hint = None


def set_library_hint(path):
    """Where the helper library of this py-hook is, for error messages."""
    global _lib_path_hint
    _lib_path_hint = path


def library_path():
    return _lib_path_hint or "/path/to/" + _LIB


def forget():
    """Drops what is known about the process (it exited or was replaced)."""
    global _channel
    _channel = None


def _helper_loaded():
    return helper_objfile() is not None


def _not_loaded_error(inferior):
    lib = library_path()
    if symbol_address("Py_Initialize") is None:
        return fail("process %d shows no CPython in it (no Py_Initialize symbol): py-hook serves "
                    "CPython 3.11 to 3.15 programs only" % inferior.pid)
    return fail(
        "%s is not loaded in process %d, so py-hook cannot reach its Python frames.\n"
        "Load it now with:\n"
        "  py-hook-inject\n"
        "or start the program with it preloaded next time:\n"
        "  LD_PRELOAD=%s python3 app.py      (then: gdb -p PID)\n"
        "  or, in gdb before 'run': set environment LD_PRELOAD=%s" % (_LIB, inferior.pid, lib, lib),
        "%s is not loaded (py-hook-inject loads it)" % _LIB)


def _channel_for(inferior):
    global _channel
    require_live("this command")
    if _channel is not None and _channel.pid == inferior.pid and _channel.epoch == epoch():
        return _channel
    _channel = None
    handshake = symbol_address("hook_handshake") if _helper_loaded() else None
    if handshake is None:
        raise _not_loaded_error(inferior)
    addr = call_function(handshake, abi.HOOK_ABI_VERSION, "hook_handshake")
    fields = abi.CHANNEL.unpack(bytes(inferior.read_memory(addr, abi.CHANNEL.size)))
    channel = _Channel(inferior.pid, addr, fields)
    if channel.magic != abi.HOOK_CHANNEL_MAGIC:
        raise fail(
            "the %s loaded in process %d does not answer like py-hook's helper (bad magic "
            "0x%x); preload the library built with this extension" % (_LIB, inferior.pid, channel.magic)
        )
    if channel.abi_version != abi.HOOK_ABI_VERSION:
        raise fail(
            "the %s in process %d speaks helper ABI %d, this extension speaks %d; load the gdb "
            "extension and the library from one build (%s)"
            % (_LIB, inferior.pid, channel.abi_version, abi.HOOK_ABI_VERSION, library_path())
        )
    for name in abi.ENTRY_POINTS:
        channel.entry[name] = symbol_address(name)
        if channel.entry[name] is None:
            raise fail("%s in process %d lacks %s; rebuild it (make)" % (_LIB, inferior.pid, name))
    channel.layout_problem = _give_layout(inferior, channel)
    _channel = channel
    return channel


def _give_layout(inferior, channel):
    """Writes the facts the helper reads objects with into its struct
    hook_layout, by the names it lists (hookhelper.h, HOOK_LAYOUT_FACTS),
    from the process's Layout (runtime.py, layout.py): one memory read and
    one write, no call.  Returns why it could not, or None."""
    if not 0 < channel.layout_names_len <= 1 << 16:
        return "the helper lists no layout facts (names of %d bytes)" % channel.layout_names_len
    names = bytes(inferior.read_memory(channel.layout_names_addr, channel.layout_names_len))
    names = [n.decode("ascii", "replace") for n in names.rstrip(b"\0").split(b"\0")]
    if runtime.python_version() is None:
        # Not CPython 3.11+: the helper's own refusal names the version (or
        # says there is no Python) before it would look at a layout.
        return None
    try:
        rt_fields = runtime.layout_of_process()
    except runtime.Unavailable as e:
        return str(e)
    values = []
    for name in names:
        value = facts.helper_value(rt_fields, name)
        if value is None:
            return ("the helper asks for the fact %s, which this gdb extension does not know; "
                    "load the extension and libhookhelper.so from one build" % name)
        values.append(abi.HOOK_LAYOUT_ABSENT if value is facts.ABSENT else value)
    inferior.write_memory(channel.layout_addr, abi.LAYOUT_HEADER.pack(
        rt_fields.version, len(values)) + struct.pack("<%dq" % len(values), *values))
    return None


def unfinished_call(inferior):
    """HOOK_FLIGHT_* of a call into INFERIOR's helper that has not finished,
    0 when none; a handshake (which runs no Python code) refreshes it."""
    channel = _channel_for(inferior)
    call_function(channel.entry["hook_handshake"], abi.HOOK_ABI_VERSION, "hook_handshake")
    return abi.CHANNEL.unpack(bytes(inferior.read_memory(channel.address, abi.CHANNEL.size)))[11]


def recover(inferior, thread):
    """py-hook-recover: undoes what an unfinished call left in the target
    (hook_recover); returns what was done, in words."""
    channel = _channel_for(inferior)
    if not unfinished_call(inferior):
        return "py-hook: no unfinished py-hook call in process %d: nothing to undo" % inferior.pid
    if _dummy_frame() is not None:
        raise fail("thread %d is stopped inside a call gdb made: finish it ('finish', or "
                   "'continue') or unwind it first, then py-hook-recover" % thread.num)
    try:
        status = _call("int", channel.entry["hook_recover"], 0, "hook_recover")[0]
    except _CallFailed as failure:
        forget()
        raise fail(failure.describe())
    message = _read_message(inferior, channel)
    if status != abi.HOOK_OK:
        raise helper_failed(abi.status_name(status), message)
    return "py-hook: %s; py-hook calls work again" % message


def handshake_only(inferior):
    """The channel of INFERIOR's helper (one handshake, cached); raises PyHookError."""
    return _channel_for(inferior)


def _on_inferior_call(event):
    if isinstance(event, gdb.InferiorCallPostEvent):
        try:
            gdb.selected_frame().read_register("xmm0")
        except (gdb.error, ValueError):
            pass  # no SSE registers on this target: nothing to protect


def _handling(signal_name):
    """gdb's handling of SIGNAL_NAME as a 'handle' argument list."""
    # No Python API reads it; 'info signals' prints one row:
    # "SIGINT        Yes\tYes\tNo\t\tInterrupt".
    text = gdb.execute("info signals %s" % signal_name, to_string=True)
    for line in text.splitlines():
        words = line.split()
        if words and words[0] == signal_name and len(words) >= 4:
            yes = [w == "Yes" for w in words[1:4]]
            return "%s %s %s" % ("stop" if yes[0] else "nostop", "print" if yes[1] else "noprint",
                                 "pass" if yes[2] else "nopass")
    return "stop print nopass"


class _CallSettings:
    """Sets gdb up for one inferior call and puts everything back, also
    when the process ends during the call: then at once, from gdb's exit
    event, because scheduler-locking cannot be set once the process is
    gone."""

    def __enter__(self):
        self.saved = []
        self.restored = False
        self.sigint = None
        self.disabled = []
        try:
            for name, value in (("scheduler-locking", "on"), ("unwindonsignal", "off"),
                                ("confirm", "off")):
                old = gdb.parameter(name)
                if isinstance(old, bool):
                    old = "on" if old else "off"
                self.saved.append((name, old))
                gdb.execute("set %s %s" % (name, value), to_string=True)
            self.sigint = _handling("SIGINT")
            gdb.execute("handle SIGINT stop print nopass", to_string=True)
            self.disabled = [b for b in gdb.breakpoints() if b.enabled]
            for b in self.disabled:
                b.enabled = False
        except gdb.error as e:
            self._restore()  # what was changed before the failure
            raise fail("gdb could not be set up for a call into the target (%s); nothing was "
                       "called" % e)
        gdb.events.inferior_call.connect(_on_inferior_call)
        gdb.events.exited.connect(self._restore)
        return self

    def _restore(self, _event=None):
        if self.restored:
            return
        self.restored = True
        for b in self.disabled:
            if b.is_valid():
                b.enabled = True
        commands = ["handle SIGINT %s" % self.sigint] if self.sigint else []
        commands += ["set %s %s" % (name, old) for name, old in reversed(self.saved)]
        for command in commands:
            try:
                gdb.execute(command, to_string=True)
            except gdb.error:
                pass  # one that cannot be put back must not keep the others from it

    def __exit__(self, *exc):
        gdb.events.exited.disconnect(self._restore)
        gdb.events.inferior_call.disconnect(_on_inferior_call)
        self._restore()
        return False


# Tests only: OR'ed into the flags of every request (HOOK_REQ_TEST_FAULT).
test_flags = 0



class _Events:
    """Records what happens to the process while a call runs: the signals
    its thread stops with, and its exit."""

    def __init__(self):
        self.signals = []
        self.exit_code = None
        self.exited = False
        self.epoch = epoch()

    @property
    def exec_ran(self):
        """Whether the process replaced its program (exec) during the call."""
        return epoch() != self.epoch

    def on_stop(self, event):
        if isinstance(event, gdb.SignalEvent):
            self.signals.append(event.stop_signal)

    def on_exit(self, event):
        self.exited = True
        self.exit_code = getattr(event, "exit_code", None)

    def __enter__(self):
        gdb.events.stop.connect(self.on_stop)
        gdb.events.exited.connect(self.on_exit)
        return self

    def __exit__(self, *exc):
        gdb.events.stop.disconnect(self.on_stop)
        gdb.events.exited.disconnect(self.on_exit)
        return False


class _Watchdog:
    """Interrupts a call that runs longer than the call-timeout setting.

    One timer thread, started on first use, sends SIGINT to the one thread
    that runs the call (the others are stopped); gdb stops it there (SIGINT
    is never passed to the program during a call, see _CallSettings) and
    py-hook ends the call.  rearm() starts another period, for the grace an
    interrupted EXPR gets.  The timer thread never touches gdb's API."""

    _lock = threading.Condition()
    _armed = None  # (deadline, pid, lwp, watchdog) while a call runs
    _thread = None

    def __init__(self, thread):
        self.pid, self.lwp = thread.ptid[0], thread.ptid[1]
        self.fired = 0
        self.timed_out = False  # set by _call from the call's first stop
        self.seconds = settings.call_timeout()
        self.started = time.monotonic()

    @classmethod
    def _run(cls):
        with cls._lock:
            while True:
                if cls._armed is None:
                    cls._lock.wait()
                    continue
                deadline, pid, lwp, dog = cls._armed
                left = deadline - time.monotonic()
                if left > 0:
                    cls._lock.wait(left)
                    continue
                cls._armed = None
                dog.fired += 1
                try:
                    _tgkill(pid, lwp, signal.SIGINT)
                except OSError:
                    pass

    def _arm(self, seconds):
        cls = type(self)
        with cls._lock:
            if cls._thread is None:
                cls._thread = threading.Thread(target=cls._run, name="py-hook watchdog",
                                               daemon=True)
                cls._thread.start()
            cls._armed = (time.monotonic() + seconds, self.pid, self.lwp, self)
            cls._lock.notify()

    def rearm(self, seconds):
        self._arm(seconds)

    def disarm(self):
        cls = type(self)
        with cls._lock:
            cls._armed = None
            cls._lock.notify()

    def __enter__(self):
        if self.seconds:
            self._arm(self.seconds)
        return self

    def __exit__(self, *exc):
        self.disarm()
        return False


def _tgkill(pid, lwp, sig):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(_SYS_TGKILL, ctypes.c_int(pid), ctypes.c_int(lwp), ctypes.c_int(sig)) != 0:
        raise OSError(ctypes.get_errno(), "tgkill")


_SYS_TGKILL = 234  # x86-64


def _dummy_frame():
    """gdb's dummy frame of the call the selected thread is inside, or None."""
    try:
        frame = gdb.newest_frame()
    except gdb.error:
        return None
    level = 0
    while frame is not None and level < 100000:
        if frame.type() == gdb.DUMMY_FRAME:
            return frame
        try:
            frame = frame.older()
        except gdb.error:
            return None
        level += 1
    return None


# Functions a thread waits on a lock in (glibc's and CPython's names; 3.13+
# parks a thread waiting on a PyMutex or PyEvent in _PySemaphore_Wait,
# which is what gdb names first when glibc's own are internal symbols it
# has no name for, without libc6-dbg).
_LOCK_WAITS = ("futex", "sem_wait", "sem_clockwait", "sem_timedwait", "pthread_cond_wait",
               "pthread_cond_timedwait", "pthread_cond_clockwait", "pthread_mutex_lock",
               "__lll_lock_wait", "PyThread_acquire_lock", "PyMutex_Lock", "take_gil",
               "_PySemaphore_Wait", "_PyParkingLot_Park")


def _where_stopped():
    """(innermost named function, the lock-wait function among the innermost
    frames or None) of the selected thread."""
    first, lock = None, None
    try:
        frame = gdb.newest_frame()
        for _ in range(16):
            if frame is None:
                break
            name = frame.name()
            if name and first is None:
                first = name
            if name and lock is None and any(w in name for w in _LOCK_WAITS):
                lock = name
            frame = frame.older()
    except gdb.error:
        pass
    return first, lock


# System calls that only wait: making them return "done" early is harmless.
_SLEEPS = {35: "nanosleep", 230: "clock_nanosleep"}
# -EINTR and the kernel's restart codes: the thread is inside the system call.
_IN_SYSCALL = {-4, -512, -513, -514, -516}


def _wake_from_sleep():
    """If the selected thread is inside a sleep system call, makes it
    return as if the time were up; returns the call's name, or None."""
    try:
        frame = gdb.newest_frame()
        number = int(frame.read_register("orig_rax"))
        result = int(frame.read_register("rax"))
        if number in _SLEEPS and result in _IN_SYSCALL:
            gdb.execute("set var $rax = 0", to_string=True)
            return _SLEEPS[number]
    except (gdb.error, ValueError):
        pass
    return None


class _Interrupter:
    """Ends a running EXPR the way Python ends code: from the thread's
    stop inside the call, KeyboardInterrupt is posted as the thread's
    asynchronous exception (runtime.AsyncException), so the bytecode loop
    raises it between two instructions and Python unwinds EXPR's frames,
    running their finally blocks and releasing what they hold; the helper
    then returns normally with "EXPR raised".  A thread asleep in
    time.sleep is woken so it gets there.  C code that runs long without
    returning to the loop (sum(range(10**12))) or blocks elsewhere (a lock)
    is not reached by this; interrupt-grace seconds later the call is unwound."""

    def __init__(self, tstate):
        self.tstate = tstate
        self.posted = None
        self.flag = None  # runtime.unhandled_interrupt_flag(), once interrupted
        self.flag_was = None
        self.cause = None  # why the call was interrupted, in words
        self.epoch = epoch()

    def interrupt(self):
        """What was done, in words, or None when nothing could be."""
        if self.tstate is None or self.posted is not None:
            return None
        try:
            exc = runtime.read_pointer(symbol_address("PyExc_KeyboardInterrupt"))
            posted = runtime.AsyncException(self.tstate, exc)
            if not exc or not posted.post():
                return None
        except (gdb.error, TypeError):
            return None
        self.posted = posted
        try:
            # KeyboardInterrupt leaving an exec(str) in EXPR sets this flag,
            # which makes the program kill itself with SIGINT at exit.
            self.flag = runtime.unhandled_interrupt_flag()
            self.flag_was = self.flag.read() if self.flag else None
        except (gdb.error, runtime.Unavailable):
            self.flag = None
        woke = _wake_from_sleep()
        return "raised KeyboardInterrupt inside it%s" % (
            " (waking it from %s)" % woke if woke else "")

    def withdraw(self):
        if self.posted is not None and self.epoch == epoch():
            try:
                self.posted.withdraw()
                if self.flag is not None and self.flag.read() != self.flag_was:
                    self.flag.write(self.flag_was)
            except gdb.error:
                pass  # the process ended during the call


class _CallFailed(Exception):
    """A call that did not return normally: the process ended during it
    (ended), or it was unwound (unwound), or gdb refused it."""

    def __init__(self, text, what, into, events, watchdog, unwound=False, where=(None, None),
                 tried=None, stuck=None, lost=None):
        super().__init__(text)
        self.text = text
        self.what = what
        self.into = into
        self.events = events
        self.timed_out = watchdog.timed_out
        self.seconds = watchdog.seconds
        self.unwound = unwound
        self.where = where
        self.tried = tried
        self.stuck = stuck  # the hazard it was unwound inside, if it could not leave it
        self.lost = lost  # why the call could not be unwound: the thread is left inside it
        self.grace = settings.interrupt_grace()  # what an interrupted EXPR was given

    @property
    def ended(self):
        return self.events.exited

    def _how_it_ran(self):
        function, lock = self.where
        if lock:
            return "waiting on a lock (in %s)" % lock
        if function:
            return "in %s" % function
        return "running"

    def describe(self):
        call = "the call into %s (%s)" % (self.into, self.what)
        if self.ended:
            code = self.events.exit_code
            how = "exited with status %d" % code if code is not None else \
                "was killed (%s)" % (self.events.signals[-1] if self.events.signals else
                                     "by a signal")
            if self.events.exec_ran:
                return ("the program replaced itself with exec during %s (EXPR ran exec), and the "
                        "new program ran on and %s; gdb reported: %s" % (
                            call, how, _first_line(self.text)))
            return "the program %s during %s; gdb reported: %s" % (
                how, call, _first_line(self.text))
        if self.lost:
            return ("%s did not end (%s), and unwinding it failed: %s.  The thread is left "
                    "inside the call, with the GIL and its Python state as the call left them; "
                    "'kill' the program, or detach knowing that" % (
                        call, "still running after %d s" % self.seconds if self.timed_out
                        else "interrupted", self.lost))
        if not self.unwound:
            if self.events.exec_ran:
                return ("the program replaced itself with exec during %s (EXPR ran exec); the "
                        "new program runs on; gdb reported: %s" % (call, _first_line(self.text)))
            return "%s failed: %s" % (call, _first_line(self.text))
        signal_name = self.events.signals[0] if self.events.signals else "a signal"
        tried = "; py-hook %s, but it did not end within %d s" % (self.tried, self.grace) \
            if self.tried else ""
        if self.timed_out:
            cause = "was still running after %d s (set py-hook call-timeout), %s%s" % (
                self.seconds, self._how_it_ran(), tried)
        elif signal_name == "SIGINT":
            cause = "was interrupted by SIGINT (Ctrl-C, or a SIGINT sent to the program; not " \
                "passed to it) while %s%s" % (self._how_it_ran(), tried)
        else:
            cause = "was stopped by %s inside the target" % signal_name
        text = ("%s %s; gdb unwound it and restored the registers it had saved before the call "
                "(general, floating-point and vector registers alike)" % (call, cause))
        if self.stuck:
            text += (".  WARNING: it was unwound inside %s, which it did not leave (it "
                     "made no progress, or not within 12 tries): that code's data may be left "
                     "half-updated" % self.stuck)
        return text


def _first_line(text):
    text = (text or "").strip()
    return text.splitlines()[0] if text else "no reason given"


def _call(return_type, address, argument, what, into=_LIB, interrupter=None):
    """Calls the function at ADDRESS with ARGUMENT (an int, or a tuple of
    ints for several arguments), all passed as unsigned long.  WHAT names
    the function and INTO where it lives, for messages.

    Returns (value, None) when the call returned, or (None, TRIED) when it
    was interrupted, INTERRUPTER ended it the Python way (TRIED says how)
    and it then ran to its end: its return value is lost then, the helper's
    entry points leave their status in the channel.  Raises _CallFailed
    otherwise."""
    args = argument if isinstance(argument, tuple) else (argument,)
    expr = "((%s (*)(%s)) 0x%x)(%s)" % (
        return_type, ", ".join(["unsigned long"] * len(args)), address,
        ", ".join("0x%x" % (a & 0xFFFFFFFFFFFFFFFF) for a in args))
    inferior = gdb.selected_inferior()
    watchdog = _Watchdog(gdb.selected_thread())
    with _CallSettings(), selection.held(), _Events() as events:
        with watchdog:
            try:
                return int(gdb.parse_and_eval(expr)), None
            except (gdb.error, KeyboardInterrupt) as e:
                text = "interrupted (Ctrl-C)" if isinstance(e, KeyboardInterrupt) else str(e)
            watchdog.disarm()
            # Later stops reuse the watchdog (grace, safe point): whether the
            # call timed out is decided by this first stop alone.
            watchdog.timed_out = watchdog.fired > 0
            if not process_alive(inferior) or _dummy_frame() is None:
                raise _CallFailed(text, what, into, events, watchdog)
            where = _where_stopped()
            first_signal = events.signals[-1] if events.signals else None
            tried = None
            if interrupter is not None and (watchdog.timed_out or first_signal == "SIGINT"):
                interrupter.cause = (
                    "was still running after %d s (set py-hook call-timeout)" % watchdog.seconds
                    if watchdog.timed_out else "was interrupted by SIGINT (Ctrl-C, or a SIGINT sent "
                    "to the program; not passed to it)")
                tried = interrupter.interrupt()
            if tried:
                watchdog.rearm(settings.interrupt_grace())
                try:
                    gdb.execute("signal 0", to_string=True)
                except (gdb.error, KeyboardInterrupt) as e:
                    text = str(e) or text
                watchdog.disarm()
                if not process_alive(inferior):
                    raise _CallFailed(text, what, into, events, watchdog)
                if _dummy_frame() is None:
                    return None, tried
            try:
                stuck = _reach_safe_point(watchdog, interrupter.tstate if interrupter else None)
                if not process_alive(inferior):
                    raise _CallFailed(text, what, into, events, watchdog)
                if stuck == "finished":
                    return None, tried
                _unwind()
            except gdb.error as e:
                raise _CallFailed(text, what, into, events, watchdog, where=where, tried=tried,
                                  lost=str(e))
            raise _CallFailed(text, what, into, events, watchdog, unwound=True, where=where,
                              tried=tried, stuck=stuck)


# Where unwinding half-way would leave shared state half-updated: the call
# is first let run out of these (_reach_safe_point).
_UNWIND_HAZARDS = (context.ALLOCATOR, context.PY_ALLOCATOR, context.GC, context.LOADER,
                   context.FORK, context.SIGNAL)

# Call boundaries where no allocator is half-way through anything on this
# thread, whatever got inlined where (CPython built with LTO and without
# symbols runs pymalloc inside functions gdb has no name for; observed:
# unwound there, the next allocation crashed): the entry of an allocator
# function or of a common C API function, and the return into the caller of
# the innermost frame.  (context.py's allocator names include internal ones;
# these are functions that are only ever entered from outside.)
_SAFE_ENTRIES = (
    "PyObject_Malloc", "PyObject_Calloc", "PyObject_Realloc", "PyObject_Free",
    "PyMem_Malloc", "PyMem_Calloc", "PyMem_Realloc", "PyMem_Free",
    "PyMem_RawMalloc", "PyMem_RawCalloc", "PyMem_RawRealloc", "PyMem_RawFree",
    "malloc", "calloc", "realloc", "free",
    "PyIter_Next", "PyObject_GetIter", "PyObject_Vectorcall", "PyObject_Call",
    "PyObject_GetAttr", "PyObject_RichCompare", "PyNumber_Add", "PyLong_FromLong",
    "PyLong_FromSsize_t", "PyErr_CheckSignals", "_PyEval_EvalFrameDefault",
)


def _outermost_hazard():
    """The outermost frame inside the call (between the innermost frame and
    gdb's dummy frame) that is in one of _UNWIND_HAZARDS, or None."""
    found = None
    try:
        frame = gdb.newest_frame()
        while frame is not None and frame.type() != gdb.DUMMY_FRAME:
            if context.classify(frame) in _UNWIND_HAZARDS:
                found = frame
            frame = frame.older()
    except gdb.error:
        return found
    return found


def _real_caller(frame):
    """The frame FRAME's function returns into, whose pc is the return
    address: past the frames of functions inlined into FRAME's (which share
    its pc) and the tail calls gdb infers from call-site information (no
    code returns to those).  It may itself be an inlined function's frame."""
    while frame is not None and frame.type() == gdb.INLINE_FRAME:
        frame = frame.older()
    frame = frame.older() if frame is not None else None
    while frame is not None and frame.type() == gdb.TAILCALL_FRAME:
        frame = frame.older()
    return frame


def _blocked_in_syscall():
    """Whether the selected thread waits inside a system call."""
    try:
        frame = gdb.newest_frame()
        return int(frame.read_register("orig_rax")) >= 0 and \
            int(frame.read_register("rax")) in _IN_SYSCALL
    except (gdb.error, ValueError):
        return False


def _collecting(tstate):
    """Whether the collector of TSTATE's interpreter is running (its flag)."""
    if tstate is None:
        return False
    try:
        rt = runtime.read()
        me = rt.thread_at(tstate.address)
        return bool(me is not None and me.interp.gc_collecting)
    except (runtime.Unavailable, gdb.error):
        return False


def _silent_stop(address, temporary=False):
    """A breakpoint at ADDRESS for the selected thread only, printing nothing."""
    stop = gdb.Breakpoint("*0x%x" % address, internal=True, temporary=temporary)
    stop.silent = True
    stop.thread = gdb.selected_thread().global_num
    return stop


def _run_a_second(watchdog):
    """Lets the thread run (alone) until a breakpoint stops it, or a second
    has passed and the watchdog does."""
    watchdog.rearm(1)
    try:
        gdb.execute("signal 0", to_string=True)
    except (gdb.error, KeyboardInterrupt):
        pass
    finally:
        watchdog.disarm()


def _run_to(address, watchdog):
    """Lets the thread run until it reaches ADDRESS (or another breakpoint
    stops it), for a second at most."""
    stop = _silent_stop(address, temporary=True)
    try:
        _run_a_second(watchdog)
    finally:
        if stop.is_valid():
            stop.delete()


def _reach_safe_point(watchdog, tstate, attempts=12):
    """Before a call is unwound: lets the thread run on (alone) to a point
    where unwinding abandons nothing half-updated: out of the allocator, the
    collector, the loader... (by their frames' names), with no garbage
    collection running, and at a call boundary: the entry of one of
    _SAFE_ENTRIES, a return address a call has just returned to (the
    caller of the hazard, or of the innermost function, in which whatever
    was inlined has then ended too), or waiting in a system call.  Returns
    None there, "finished" when the call ended meanwhile, else the place
    it could not leave (it waits inside it, or never returns from it)."""
    entries = {a for a in (symbol_address(n) for n in _SAFE_ENTRIES) if a}
    returns = set()  # return addresses run to: reached, a call has just returned
    where, last, stops = "an unknown place", None, []
    try:
        for _ in range(attempts):
            hazard = _outermost_hazard()
            newest = gdb.newest_frame()
            pc = int(newest.pc())
            collecting = _collecting(tstate)
            if hazard is None and not collecting and (
                    pc in entries or pc in returns or _blocked_in_syscall()):
                return None
            if hazard is not None:
                where = "%s (%s)" % (context.classify(hazard), hazard.name() or "??")
            elif collecting:
                where = "a garbage collection (the collector's flag is set)"
            else:
                where = "code that reached no call boundary within a second"
            caller = _real_caller(hazard if hazard is not None else newest)
            if caller is not None and caller.type() not in (gdb.NORMAL_FRAME, gdb.INLINE_FRAME):
                caller = None  # gdb's dummy frame (the call itself returns there) or a signal frame
            here = (pc, int(caller.pc()) if caller is not None else 0)
            if here == last:
                return where  # no progress in a whole second: it waits there (a deadlock)
            last = here
            if not stops:
                stops = [_silent_stop(address) for address in entries]
            if caller is not None and int(caller.pc()) != pc:
                returns.add(int(caller.pc()))
                _run_to(int(caller.pc()), watchdog)
            else:
                _run_a_second(watchdog)
            if not process_alive(gdb.selected_inferior()):
                return None
            if _dummy_frame() is None:
                return "finished"
        return where
    finally:
        for bp in stops:
            if bp.is_valid():
                bp.delete()


def _ret_instruction():
    """Address of a byte 0xc3 (x86 'ret') in the target's code: the first
    one in libc's getpid, a system-call wrapper a few bytes long."""
    start = symbol_address("getpid")
    if start is None:
        raise gdb.error("the process has no getpid to borrow a 'ret' instruction from")
    code = bytes(gdb.selected_inferior().read_memory(start, 64))
    at = code.find(b"\xc3")
    if at < 0:
        raise gdb.error("no 'ret' instruction near getpid")
    return start + at


def _unwind():
    """Ends the call the selected thread is inside without running any more
    of it: the thread returns at once to gdb's return address of the call,
    with the stack and frame pointers the call's entry point would have
    returned with, and gdb, on reaching it as after any call, pops its dummy
    frame and restores every register it saved before the call.  ('return'
    from the dummy frame refuses when the innermost frame is an inlined
    function, common in CPython; jumping to the return address directly
    makes gdb step over its own breakpoint there.)"""
    dummy = _dummy_frame()
    pc = int(dummy.pc())
    sp = int(dummy.read_register("rsp"))
    fp = int(dummy.read_register("rbp"))
    ret = _ret_instruction()
    gdb.selected_inferior().write_memory(sp - 8, pc.to_bytes(8, "little"))
    gdb.newest_frame().select()
    # orig_rax -1 first: a thread stopped inside a system call would
    # otherwise have the kernel restart that call at the new address.
    for register, value in (("orig_rax", -1), ("rsp", sp - 8), ("rbp", fp), ("pc", ret)):
        gdb.execute("set var $%s = %d" % (register, value), to_string=True)
    gdb.execute("signal 0", to_string=True)
    if _dummy_frame() is not None or int(gdb.newest_frame().pc()) == pc:
        raise gdb.error("the thread did not return to gdb's call dummy at 0x%x" % pc)


def call_function(address, arguments, what, into=_LIB):
    """_call returning unsigned long; a failure becomes a PyHookError."""
    try:
        return _call("unsigned long", address, arguments, what, into)[0]
    except _CallFailed as failure:
        raise fail(failure.describe())


class _NotRecovered(Exception):
    pass


def _after_unwound(inferior, channel, failure, plan, before, saved, thread):
    """The error for a call gdb unwound: the thread's Python state is put
    back as it was before the call (SAVED, from memory), the helper undoes
    what the call had begun, and the result is compared with BEFORE."""
    lines = [failure.describe() + "."]
    restored = []
    fields, waiters = saved if saved else (None, None)
    if plan.tstate is not None and fields:
        try:
            restored = plan.tstate.restore(fields)
        except gdb.error as e:
            lines.append("Putting the thread's Python state back failed (%s)." % e)
    ghost = waiters is not None and any(
        after > before for after, before in zip(plan.gil_waiters() or waiters, waiters))
    if restored:
        lines.append("py-hook put back the thread's Python state the call had left changed (%s)."
                     % ", ".join(restored))
    undone = False
    # The helper takes the GIL back if the call released it, and gives it
    # back only if the thread had released it before the call.
    blocked = plan.gil_unusable(give_back=before is not None and not before[0])
    if blocked:
        # Taking the GIL back (hook_recover) would wait for good.
        lines.append("The call was unwound inside the GIL's hand-over (%s), so py-hook cannot "
                     "take the GIL back for the thread." % blocked)
    try:
        if blocked:
            raise _NotRecovered()
        status = _call("int", channel.entry["hook_recover"], 0, "hook_recover")[0]
    except _NotRecovered:
        pass
    except _CallFailed as again:
        forget()
        lines.append("Undoing it failed too (%s): the program's Python state may be damaged. "
                     "Detach or kill it rather than continue." % again.describe())
    else:
        message = _read_message(inferior, channel)
        if status != abi.HOOK_OK:
            lines.append("The helper could not undo it: %s [%s]" % (message, abi.status_name(status)))
        elif message.startswith("undone: "):
            lines.append("The helper undid what the call had begun: %s." % message[len("undone: "):])
            undone = True
        else:
            lines.append("The call had not changed anything yet.")
            undone = True
    after = plan.fingerprint()
    known = before is not None and after is not None
    if ghost:
        lines.append(
            "WARNING: the call was unwound while it waited on a condition variable of the GIL, "
            "which still counts that wait; the program may hang the next time the GIL changes "
            "hands.  'kill' it, or detach knowing that.")
    elif known and after != before:
        lines.append(
            "WARNING: the interrupted call left the thread's Python state changed (GIL held: "
            "%s -> %s, innermost frame 0x%x -> 0x%x); continuing may crash the program.  'kill' "
            "it, or detach knowing that." % (before[0], after[0], before[1], after[1]))
    elif undone:
        lines[-1] += "  The program can continue; py-hook stays usable."
        if known:
            lines.append("The thread's Python state (GIL, innermost frame) is as it was before "
                         "the call.")
    return fail("\n".join(lines))


def _read_message(inferior, channel):
    message = bytes(inferior.read_memory(channel.message_addr, channel.message_capacity))
    return message.split(b"\0", 1)[0].decode("utf-8", "replace")


def call(entry_point, plan, flags=0, first_frame=0, max_frames=0, value_limit=200, name=b"",
         expr=b""):
    """Calls ENTRY_POINT with a request, as PLAN (safety.plan, made by the
    caller for the selected thread) says; returns a Reply or raises
    PyHookError."""
    inferior, thread = require_stopped_process()
    channel = _channel_for(inferior)
    if channel.layout_problem is not None:
        raise fail("py-hook cannot give the helper the layout of this CPython, so it makes no "
                   "call: %s" % channel.layout_problem)
    flags |= plan.flags
    header = abi.REQUEST.pack(
        abi.HOOK_ABI_VERSION, flags | test_flags, first_frame, max_frames, value_limit,
        len(name), len(expr), 0
    )
    payload = header + name + b"\0" + expr + b"\0"
    if len(payload) > channel.request_capacity:
        raise fail(
            "the expression is %d bytes, more than the helper's %d-byte request area; shorten it"
            % (len(expr), channel.request_capacity - abi.REQUEST.size - 2)
        )
    inferior.write_memory(channel.request_addr, payload)
    before = plan.fingerprint(fresh=False)
    saved = plan.capture()
    interrupter = _Interrupter(plan.tstate)
    try:
        with plan.guard:
            try:
                status, tried = _call("int", channel.entry[entry_point], channel.request_addr,
                                      entry_point, interrupter=interrupter)
            finally:
                interrupter.withdraw()
    except _CallFailed as failure:
        if failure.unwound and process_alive(inferior):
            raise _after_unwound(inferior, channel, failure, plan, before, saved, thread)
        forget()
        raise fail(failure.describe())
    fields = abi.CHANNEL.unpack(bytes(inferior.read_memory(channel.address, abi.CHANNEL.size)))
    reply_addr, reply_len, python_version = fields[4], fields[5], fields[9]
    if status is None:
        status = fields[8]  # the call was resumed to its end: its status is in the channel
    if status != abi.HOOK_OK:
        message = _read_message(inferior, channel)
        if tried:
            raise fail(
                "EXPR %s, so py-hook %s; Python unwound EXPR's frames and the helper returned "
                "normally (%s).  Nothing was stored; what EXPR itself did before stands.  The "
                "program can continue; py-hook stays usable."
                % (interrupter.cause, tried, message.split("\n", 1)[0]))
        raise helper_failed(abi.status_name(status), message)
    text = bytes(inferior.read_memory(reply_addr, reply_len)) if reply_len else b""
    if reply_len > _RELEASE_ABOVE:
        _release_reply(inferior, channel)
    return Reply(text.decode("utf-8", "replace"), python_version)


# A reply larger than this has its memory given back to the target at once.
_RELEASE_ABOVE = 1 << 20


def _release_reply(inferior, channel):
    """Unmaps the helper's reply memory (HOOK_REQ_RELEASE): a 100 MB listing
    must not leave 100 MB resident in the program."""
    inferior.write_memory(channel.request_addr, abi.REQUEST.pack(
        abi.HOOK_ABI_VERSION, abi.HOOK_REQ_RELEASE, 0, 0, 0, 0, 0, 0) + b"\0\0")
    try:
        _call("int", channel.entry["hook_snapshot"], channel.request_addr, "hook_snapshot")
    except _CallFailed as failure:
        gdb.write("py-hook: warning: could not give the reply's memory back to the program: "
                  "%s\n" % failure.describe(), gdb.STDERR)
