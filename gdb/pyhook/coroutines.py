"""Generators, coroutines and async generators, read from memory.

A generator object embeds its _PyInterpreterFrame (gi_iframe) and a state
byte (gi_frame_state: created, suspended, running, finished; 3.13 and
later tell a suspension inside 'await' or 'yield from' apart; the values
are the enumerators of facts.py's state.*).  What a suspended coroutine
awaits is what CPython's _PyGen_yf returns for cr_await: a slot near the
top of the frame's value stack (localsplus[stacktop - D]; from 3.14
stackpointer[-D], a tagged reference; D is the fact gen.yield_from_depth,
1, but 2 on 3.15, whose await keeps a NULL above what it awaits), but
only when the frame is suspended in a 'yield from' or 'await' -
- 3.11 and 3.12: the instruction after the one it stopped at
  (prev_instr[1]) is RESUME (3.11 also RESUME_QUICK, 3.12 also
  INSTRUMENTED_RESUME) with an argument of 2 or more;
- 3.13 and later: gi_frame_state is FRAME_SUSPENDED_YIELD_FROM (3.15: or
  its _LOCKED form, held while another thread reads gi_yieldfrom).
Awaiting passes through objects that are not frames: coroutine.__await__()
(a coroutine_wrapper, whose coroutine is its first field), an async
generator's __anext__(), asend() or athrow() (whose generator is their
first field), and asyncio's C future iterator (whose future is its first
field).  Nothing here runs code of the target.
"""

import struct

from .layout import PY_3_13, PY_3_14, Unknown, asyncio_layout
from .model import Frame
from .objects import Unreadable, _mem, _u64

# Objects an await passes through, by tp_name, and the fact naming the
# field that holds the next object of the chain.
_WRAPPERS = {"coroutine_wrapper": "coroutinewrapper.coroutine",
             "async_generator_asend": "asyncgenasend.gen",
             "async_generator_athrow": "asyncgenathrow.gen",
             "_asyncio.FutureIter": "futureiter.future"}
MAX_CHAIN = 100000  # levels; a longer chain is cut (and said to be)


class Gen:
    """A generator, coroutine or async generator: KIND, STATE (created,
    suspended, running, finished), FRAME (its interpreter frame's address)
    and AWAITING (the address of what it awaits, or 0)."""

    def __init__(self, address, kind, state, frame, awaiting):
        self.address, self.kind, self.state = address, kind, state
        self.frame, self.awaiting = frame, awaiting


class Reader:
    """Reads generator objects with a pyframes.Walker's layout and caches."""

    def __init__(self, walker):
        self.walker = walker
        self.r = walker.reader
        f = walker.fields
        self.state_off = f["gen.frame_state"].offset
        self.iframe_off = f["gen.iframe"].offset
        self.v313 = walker.version >= PY_3_13
        self.v314 = walker.version >= PY_3_14
        self.stack_off = f.off("iframe.stackpointer" if self.v314 else "iframe.stacktop")
        self.depth = f["gen.yield_from_depth"]
        names = {"state.created": "created", "state.suspended": "suspended",
                 "state.suspended_yield_from": "suspended",
                 "state.suspended_yield_from_locked": "suspended",
                 "state.executing": "running", "state.completed": "finished",
                 "state.cleared": "finished"}
        self.states = {f[fact]: name for fact, name in names.items() if fact in f}
        self.yield_from = {f[fact] for fact in ("state.suspended_yield_from",
                                                "state.suspended_yield_from_locked") if fact in f}
        self.resume = {f[fact] for fact in ("opcode.RESUME", "opcode.RESUME_QUICK",
                                            "opcode.INSTRUMENTED_RESUME") if fact in f}
        self.wrappers = {}
        for name, fact in _WRAPPERS.items():
            if fact in f:
                self.wrappers[name] = f.off(fact)
            elif name == "_asyncio.FutureIter":
                # The asyncio group: the debug information of _asyncio,
                # loaded only once the module is.
                try:
                    self.wrappers[name] = asyncio_layout(walker.version).off(fact)
                except Unknown:
                    pass
        t = self.r.types
        self.kinds = {t["generator"]: "generator", t["coroutine"]: "coroutine",
                      t["async_generator"]: "async generator"}

    def kind(self, obj):
        """'generator', 'coroutine', 'async generator' (CPython's own types
        only), or None."""
        try:
            return self.kinds.get(self.r.type_of(obj)) if obj else None
        except Unreadable:
            return None

    def read(self, obj):
        """The Gen at OBJ, or raises Unreadable when OBJ is not one."""
        kind = self.kind(obj)
        if kind is None:
            raise Unreadable("0x%x is not a generator, coroutine or async generator" % obj)
        raw = struct.unpack("<b", _mem(obj + self.state_off, 1))[0]
        state = self.states.get(raw)
        if state is None:
            raise Unreadable("the %s at 0x%x is in no known state (%d)" % (kind, obj, raw))
        frame = obj + self.iframe_off
        return Gen(obj, kind, state, frame, self._awaiting(frame, raw, state))

    def _awaiting(self, frame, raw, state):
        if state != "suspended":
            return 0
        off = self.walker.off
        head, code = self.walker.frame_at(frame)
        if self.v313:
            if raw not in self.yield_from:
                return 0
        else:
            instr = struct.unpack_from("<Q", head, off["instr"])[0]
            opcode, arg = _mem(instr + 2, 2)
            if opcode not in self.resume or arg < 2:
                return 0
        base = frame + off["localsplus"]
        if self.v314:
            # stackpointer: the slot above the top of the value stack.
            top = (_u64(frame + self.stack_off) - base) // 8
        else:
            top = struct.unpack("<i", _mem(frame + self.stack_off, 4))[0]
        if not code.count + self.depth <= top < code.count + (1 << 16):
            return 0
        try:
            return self.walker.refs.obj(_u64(base + 8 * (top - self.depth)))
        except Unreadable:
            return 0

    def unwrap(self, obj):
        """The object behind OBJ when OBJ is one an await passes through
        (coroutine.__await__(), anext(), asend(), athrow(), asyncio's future
        iterator), else OBJ."""
        for _ in range(4):
            try:
                name = self.r.tp_name(self.r.type_of(obj))
            except Unreadable:
                return obj
            if name not in self.wrappers:
                return obj
            inner = _u64(obj + self.wrappers[name])
            if not inner:
                return obj
            obj = inner
        return obj

    def chain(self, obj):
        """([Gen] from OBJ down through what each awaits, the address of the
        first awaited object that is no generator, or 0)."""
        gens, seen = [], set()
        while obj and len(gens) < MAX_CHAIN and obj not in seen:
            seen.add(obj)
            gen = self.read(obj)
            gens.append(gen)
            if not gen.awaiting:
                return gens, 0
            obj = self.unwrap(gen.awaiting)
            if self.kind(obj) is None:
                return gens, obj
        return gens, 0

    def frame(self, gen_or_frame, index, with_locals=False, limit=200):
        """A model.Frame for a Gen (or an interpreter frame's address)."""
        address = gen_or_frame.frame if isinstance(gen_or_frame, Gen) else gen_or_frame
        walker = self.walker
        head, code = walker.frame_at(address)
        frame = Frame(index, code.filename, walker.line(head, code), code.qualname)
        if with_locals:
            walker._variables(frame, address, head, code, limit)
        return frame
