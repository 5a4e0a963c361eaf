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
- unwindonsignal on: a crash inside the call is unwound instead of leaving
  the target stopped inside the helper.
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
import os
import signal
import threading
import time

import gdb

from . import abi, settings
from .errors import fail, helper_failed

_LIB = "libhookhelper.so"


class Reply:
    """Outcome of a successful call: the reply text, split in records."""

    def __init__(self, text, python_version):
        self.text = text
        self.python_version = python_version

    def records(self):
        for line in self.text.split("\n"):
            if line:
                fields = line.split("\t")
                yield fields[0], [_unescape(f) for f in fields[1:]]


def _unescape(field):
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            nxt = field[i + 1]
            out.append({"t": "\t", "n": "\n"}.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


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
        ) = fields
        self.pid = pid
        self.address = address
        self.entry = {}


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


def require_stopped_process():
    inferior = gdb.selected_inferior()
    if inferior is None or inferior.pid == 0:
        raise fail(
            "there is no process: start the program with 'run' or attach to one with "
            "'attach PID' first"
        )
    thread = gdb.selected_thread()
    if thread is None or not thread.is_valid():
        raise fail("no thread is selected: select one with 'thread N'")
    if thread.is_running():
        raise fail(
            "thread %d is running: stop it first (interrupt, or a breakpoint)" % thread.num
        )
    return inferior, thread


def symbol_address(name):
    """Address of symbol NAME in the target (minimal symbols suffice), or None."""
    try:
        return int(gdb.parse_and_eval("(unsigned long) &%s" % name))
    except gdb.error:
        return None


def helper_objfile():
    """File name of the helper loaded in the selected process, or None."""
    for objfile in gdb.objfiles():
        if objfile.is_valid() and os.path.basename(objfile.filename or "").startswith(_LIB):
            return objfile.filename
    return None


def _helper_loaded():
    return helper_objfile() is not None


def _not_loaded_error(inferior):
    lib = library_path()
    return fail(
        "%s is not loaded in process %d, so py-hook cannot reach its Python frames.\n"
        "Load it now with:\n"
        "  py-hook-inject\n"
        "or start the program with it preloaded next time:\n"
        "  LD_PRELOAD=%s python3 app.py      (then: gdb -p PID)\n"
        "  or, in gdb before 'run': set environment LD_PRELOAD=%s" % (_LIB, inferior.pid, lib, lib)
    )


def _channel_for(inferior):
    global _channel
    if _channel is not None and _channel.pid == inferior.pid:
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
    _channel = channel
    return channel


def handshake_only(inferior):
    """The channel of INFERIOR's helper (one handshake, cached); raises PyHookError."""
    return _channel_for(inferior)


def _on_inferior_call(event):
    if isinstance(event, gdb.InferiorCallPostEvent):
        try:
            gdb.selected_frame().read_register("xmm0")
        except (gdb.error, ValueError):
            pass  # no SSE registers on this target: nothing to protect


class _CallSettings:
    """Sets gdb up for one inferior call and puts everything back."""

    def __enter__(self):
        self.saved = []
        for name, value in (("scheduler-locking", "on"), ("unwindonsignal", "on")):
            old = gdb.parameter(name)
            if isinstance(old, bool):
                old = "on" if old else "off"
            self.saved.append((name, old))
            gdb.execute("set %s %s" % (name, value), to_string=True)
        self.disabled = [b for b in gdb.breakpoints() if b.enabled]
        for b in self.disabled:
            b.enabled = False
        gdb.events.inferior_call.connect(_on_inferior_call)
        return self

    def __exit__(self, *exc):
        gdb.events.inferior_call.disconnect(_on_inferior_call)
        for b in self.disabled:
            if b.is_valid():
                b.enabled = True
        for name, old in reversed(self.saved):
            gdb.execute("set %s %s" % (name, old), to_string=True)
        return False


# Tests only: OR'ed into the flags of every request (HOOK_REQ_TEST_FAULT).
test_flags = 0


class _Signals:
    """Records the signals the thread stops with while a call runs."""

    def __init__(self):
        self.names = []

    def __call__(self, event):
        if isinstance(event, gdb.SignalEvent):
            self.names.append(event.stop_signal)


class _Watchdog:
    """Interrupts a call that runs longer than the call-timeout setting.

    One timer thread, started on first use, sends SIGINT to the one thread
    that runs the call (the others are stopped); gdb intercepts it and, with
    unwindonsignal on, unwinds the call.  SIGINT is not passed on to the
    program.  The timer thread never touches gdb's API."""

    _lock = threading.Condition()
    _armed = None  # (deadline, pid, lwp, watchdog) while a call runs
    _thread = None

    def __init__(self, thread):
        self.pid, self.lwp = thread.ptid[0], thread.ptid[1]
        self.fired = False
        self.seconds = settings.call_timeout()

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
                dog.fired = True
                try:
                    _tgkill(pid, lwp, signal.SIGINT)
                except OSError:
                    pass

    def __enter__(self):
        if self.seconds:
            cls = type(self)
            with cls._lock:
                if cls._thread is None:
                    cls._thread = threading.Thread(target=cls._run, name="py-hook watchdog",
                                                   daemon=True)
                    cls._thread.start()
                cls._armed = (time.monotonic() + self.seconds, self.pid, self.lwp, self)
                cls._lock.notify()
        return self

    def __exit__(self, *exc):
        if self.seconds:
            cls = type(self)
            with cls._lock:
                cls._armed = None
                cls._lock.notify()
        return False


def _tgkill(pid, lwp, sig):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(_SYS_TGKILL, ctypes.c_int(pid), ctypes.c_int(lwp), ctypes.c_int(sig)) != 0:
        raise OSError(ctypes.get_errno(), "tgkill")


_SYS_TGKILL = 234  # x86-64


def _call(return_type, address, argument, what, into=_LIB):
    """Calls the function at ADDRESS with ARGUMENT (an int, or a tuple of
    ints for several arguments), all passed as unsigned long.  WHAT names
    the function and INTO where it lives, for messages."""
    args = argument if isinstance(argument, tuple) else (argument,)
    expr = "((%s (*)(%s)) 0x%x)(%s)" % (
        return_type, ", ".join(["unsigned long"] * len(args)), address,
        ", ".join("0x%x" % (a & 0xFFFFFFFFFFFFFFFF) for a in args))
    signals = _Signals()
    watchdog = _Watchdog(gdb.selected_thread())
    with _CallSettings():
        gdb.events.stop.connect(signals)
        try:
            with watchdog:
                return int(gdb.parse_and_eval(expr))
        except gdb.error as e:
            raise _CallFailed(str(e), signals.names, what, into, watchdog)
        except KeyboardInterrupt:
            raise _CallFailed("interrupted (Ctrl-C)", signals.names, what, into, watchdog)
        finally:
            gdb.events.stop.disconnect(signals)


def call_function(address, arguments, what, into=_LIB):
    """_call returning unsigned long; a failure becomes a PyHookError."""
    try:
        return _call("unsigned long", address, arguments, what, into)
    except _CallFailed as failure:
        raise fail(failure.describe())


class _CallFailed(Exception):
    def __init__(self, text, signals, what, into, watchdog):
        super().__init__(text)
        self.text = text
        self.signals = signals
        self.what = what
        self.into = into
        self.timed_out = watchdog.fired
        self.seconds = watchdog.seconds

    @property
    def unwound(self):
        return "GDB has restored the context" in self.text

    def describe(self):
        signal = self.signals[0] if self.signals else "a signal"
        if self.timed_out and self.unwound:
            return (
                "the call into %s (%s) did not return within %d s (set py-hook call-timeout): it "
                "is most likely deadlocked on a lock the stopped program holds; py-hook "
                "interrupted it with SIGINT (not passed to the program), gdb unwound it and "
                "restored the registers it had saved before the call" % (self.into, self.what, self.seconds)
            )
        if self.unwound:
            return (
                "the call into %s (%s) was stopped by %s inside the target; gdb unwound it and "
                "restored the registers it had saved before the call (general, floating-point and "
                "vector registers alike)" % (self.into, self.what, signal)
            )
        first = self.text.strip().splitlines()[0] if self.text.strip() else "no reason given"
        return "the call into %s (%s) failed: %s" % (self.into, self.what, first)


def _after_unwound(inferior, channel, failure, plan, before):
    """The error for a call gdb unwound: the helper undoes what the call had
    begun, and the thread's state is compared with BEFORE."""
    lines = [failure.describe() + "."]
    undone = False
    try:
        status = _call("int", channel.entry["hook_recover"], 0, "hook_recover")
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
    if known and after != before:
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


def call(entry_point, flags=0, first_frame=0, max_frames=0, value_limit=200, name=b"", expr=b"",
         force=False):
    """Calls ENTRY_POINT with a request; returns a Reply or raises PyHookError.

    FORCE calls even where safety.plan finds the thread's native context
    unsafe."""
    from . import safety

    inferior, thread = require_stopped_process()
    channel = _channel_for(inferior)
    plan = safety.plan(thread, force)
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
    try:
        with plan.guard:
            status = _call("int", channel.entry[entry_point], channel.request_addr, entry_point)
    except _CallFailed as failure:
        if failure.unwound and _process_alive(inferior):
            raise _after_unwound(inferior, channel, failure, plan, before)
        forget()
        raise fail(failure.describe())
    fields = abi.CHANNEL.unpack(bytes(inferior.read_memory(channel.address, abi.CHANNEL.size)))
    reply_addr, reply_len, python_version = fields[4], fields[5], fields[9]
    if status != abi.HOOK_OK:
        raise helper_failed(abi.status_name(status), _read_message(inferior, channel))
    text = bytes(inferior.read_memory(reply_addr, reply_len)) if reply_len else b""
    return Reply(text.decode("utf-8", "replace"), python_version)


def _process_alive(inferior):
    return inferior.is_valid() and inferior.pid != 0
