"""What a listing of Python frames holds, whichever path read it: the
helper's reply (snapshot.py) or memory (pyframes.py)."""


class Variable:
    def __init__(self, name, kind, type_name, length, value, cut):
        self.name = name
        self.kind = kind
        self.type_name = type_name
        self.length = int(length) if length else None
        self.value = value
        self.cut = cut == "1"

    @property
    def unbound(self):
        return self.type_name == "unbound" and self.value == "" and self.length is None


class Frame:
    def __init__(self, index, filename, line, function):
        self.index = int(index)
        self.filename = filename
        self.line = int(line)
        self.function = function
        self.variables = []
        self.note = None  # why the variables are not shown, if they are not


class Snapshot:
    def __init__(self, frames, total, python_version):
        self.frames = frames
        self.total = total
        self.python_version = python_version
