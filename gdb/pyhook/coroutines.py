"""Generators, coroutines and async generators, read from memory.

A generator object embeds its _PyInterpreterFrame (gi_iframe) and a state
byte (gi_frame_state: created, suspended, running, finished; 3.13 tells a
suspension inside 'await' or 'yield from' apart).  What a suspended
coroutine awaits is what CPython's _PyGen_yf returns for cr_await: the top
of the frame's value stack (localsplus[stacktop - 1]), but only when the
frame is suspended in a 'yield from' or 'await' -
- 3.11 and 3.12: the instruction after the one it stopped at
  (prev_instr[1]) is RESUME (3.11 also RESUME_QUICK, 3.12 also
  INSTRUMENTED_RESUME) with an argument of 2 or more;
- 3.13: gi_frame_state is FRAME_SUSPENDED_YIELD_FROM.
Awaiting passes through objects that are not frames: coroutine.__await__()
(a coroutine_wrapper, whose coroutine is its first field), an async
generator's __anext__(), asend() or athrow() (whose generator is their
first field), and asyncio's C future iterator (whose future is its first
field).  Nothing here runs code of the target.
"""

import struct

from .layout import PY_3_12, PY_3_13
from .model import Frame
from .objects import Unreadable, _mem, _u64
from .pyframes import _FRAME_HEAD

# gi_frame_state values (Include/internal/pycore_frame.h).
_STATES = {False: {-2: "created", -1: "suspended", 0: "running", 1: "finished", 4: "finished"},
           True: {-3: "created", -2: "suspended", -1: "suspended", 0: "running",
                  1: "finished", 4: "finished"}}
_RESUME = {False: (151, 150), True: (151, 240)}  # key: 3.12 or later
# Objects an await passes through, by tp_name; their first field (at 16)
# is the next object of the chain.
_WRAPPERS = ("coroutine_wrapper", "async_generator_asend", "async_generator_athrow",
             "_asyncio.FutureIter")
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
        self.stacktop_off = f["iframe.stacktop"].offset
        self.modern = walker.version >= PY_3_12
        self.v313 = walker.version >= PY_3_13
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
        state = _STATES[self.v313].get(raw)
        if state is None:
            raise Unreadable("the %s at 0x%x is in no known state (%d)" % (kind, obj, raw))
        frame = obj + self.iframe_off
        return Gen(obj, kind, state, frame, self._awaiting(frame, raw, state))

    def _awaiting(self, frame, raw, state):
        if state != "suspended":
            return 0
        off = self.walker.off
        head = _mem(frame, _FRAME_HEAD)
        if self.v313:
            if raw != -1:
                return 0
        else:
            instr = struct.unpack_from("<Q", head, off["instr"])[0]
            opcode, arg = _mem(instr + 2, 2)
            if opcode not in _RESUME[self.modern] or arg < 2:
                return 0
        code = self.walker.code(struct.unpack_from("<Q", head, off["code"])[0])
        top = struct.unpack("<i", _mem(frame + self.stacktop_off, 4))[0]
        if not code.count < top < code.count + (1 << 16):
            return 0
        return _u64(frame + off["localsplus"] + 8 * (top - 1))

    def unwrap(self, obj):
        """The object behind OBJ when OBJ is one an await passes through
        (coroutine.__await__(), anext(), asend(), athrow(), asyncio's future
        iterator), else OBJ."""
        for _ in range(4):
            try:
                name = self.r.tp_name(self.r.type_of(obj))
            except Unreadable:
                return obj
            if name not in _WRAPPERS:
                return obj
            inner = _u64(obj + 16)
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
        head = _mem(address, _FRAME_HEAD)
        code = walker.code(struct.unpack_from("<Q", head, walker.off["code"])[0])
        frame = Frame(index, code.filename, walker.line(head, code), code.qualname)
        if with_locals:
            walker._variables(frame, address, head, code, limit)
        return frame
