"""What a frame reaches, read from memory: the attributes of objects (in
their __dict__, a slot or their class), the variables and globals of a
frame, and the name a frame knows an object by.  For py-hook-tasks and the
waits of py-hook-bt --all; nothing here runs code of the target."""

import os

from . import explain
from .objects import Unreadable, _u64


class Reach:
    def __init__(self, walker):
        self.walker = walker
        self.r = walker.reader
        self._on_class = {}  # (type, name) -> (class attribute, a slot?, a data descriptor?)

    def attr(self, obj, name):
        """OBJ's attribute NAME as Python finds it without running code: a
        slot or its __dict__, else its class's (the pure-Python Future's
        defaults, _state = _PENDING, _fut_waiter = None..., until first set);
        0 when absent.  Where the class has a data descriptor for NAME (a
        property) that would run code, the descriptor itself, which no
        caller takes for a value."""
        r = self.r
        try:
            tp = r.type_of(obj)
            key = (tp, name)
            if key not in self._on_class:
                # Classes do not change while the process is stopped: one
                # look through the MRO per class and name.
                on_class = 0
                for cls in r.mro(tp):
                    ns = _u64(cls + r.fields["type.dict"].offset)
                    on_class = r.dict_get(ns, name) if ns else 0
                    if on_class:
                        break
                slot = bool(on_class) and \
                    r.type_name(r.type_of(on_class)) == "member_descriptor"
                data = bool(on_class) and not slot and explain.data_descriptor(r, on_class)
                self._on_class[key] = (on_class, slot, data)
            on_class, slot, data = self._on_class[key]
            if data:
                return on_class
            return r.attribute(obj, name) or self.walker.renderer.attribute(obj, name) or \
                (0 if slot else on_class)
        except Unreadable:
            return 0

    def module_dir(self, name):
        """The directory of module NAME's file (its __file__, from
        sys.modules of any interpreter), or None: where the standard
        library's own frames come from, as opposed to a program's module of
        the same name."""
        r = self.r
        for interp in self.walker.rt.interpreters:
            try:
                module = r.dict_get(interp.modules, name) if interp.modules else 0
                path = r.dict_get(r.module_dict(module), "__file__") if module else 0
                text = self.text(path) if path else None
            except Unreadable:
                text = None
            if text:
                return os.path.dirname(text.replace("\\", "/"))
        return None

    def flag(self, obj, name, yes, no):
        """YES or NO as OBJ.NAME is True or False; 'state unknown' for
        anything else (a property computes it, a subclass changed it)."""
        value = self.attr(obj, name)
        return yes if value == self.r.constants["True"] else \
            no if value == self.r.constants["False"] else "state unknown"

    def timeout(self, value, none=None):
        """'timeout N s' for a timeout argument read from memory; None when
        it is absent, None or NONE (the value that means no timeout)."""
        r = self.r
        if not value or value == r.constants["None"]:
            return None
        tp = r.type_of(value)
        if tp == r.types["int"]:
            n = r.int(value)
            return None if none is not None and n == none else "timeout %d s" % n
        if tp == r.types["float"]:
            n = r.float(value)
            return None if none is not None and n == none else "timeout %g s" % n
        return "with a timeout"

    def none(self, obj):
        return 0 if obj == self.r.constants["None"] else obj

    def text(self, obj):
        try:
            return self.r.str(obj)
        except Unreadable:
            return None

    def number(self, obj):
        r = self.r
        tp = r.type_of(obj)
        if tp == r.types["int"]:
            return str(r.int(obj))
        if tp == r.types["float"]:
            return repr(r.float(obj))
        return r.type_name(tp)

    def count(self, obj):
        """len() of a deque or list at OBJ (0 for None)."""
        obj = self.none(obj)
        if not obj:
            return 0
        n = self.r.size(obj)
        return n if 0 <= n < 1 << 40 else 0

    def names(self, address):
        """{name: value address} of the bound variables of the function
        frame at ADDRESS (an interpreter frame), cells dereferenced."""
        walker = self.walker
        head, code = walker.frame_at(address)
        out = {}
        if not code.optimized:
            return out
        for name, kind, value in zip(code.names, code.kinds, walker._fast(address, code)):
            value = walker._deref(kind, value)
            if value:
                out[name] = value
        return out

    def globals_of(self, address):
        """The address of the globals dict of the interpreter frame at ADDRESS."""
        return _u64(address + self.walker.off["globals"])

    def name_for(self, obj, user):
        """How the frame USER reaches OBJ: a variable, an attribute of one,
        or a global; else the address."""
        if user:
            try:
                names = self.names(user)
                for name, value in names.items():
                    if value == obj:
                        return "`%s`" % name
                for name, value in names.items():
                    tp = self.r.type_of(value)
                    for key, attr in self.r.instance_items(value, tp):
                        if attr == obj and self.r.type_of(key) == self.r.types["str"]:
                            return "`%s.%s`" % (name, self.r.str(key))
                for key, value in self.r.dict_items(self.globals_of(user)):
                    if value == obj and self.r.type_of(key) == self.r.types["str"]:
                        return "`%s` (a global)" % self.r.str(key)
            except Unreadable:
                pass
        return "at 0x%x" % obj

