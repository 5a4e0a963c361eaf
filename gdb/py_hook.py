# Loads py-hook into gdb:  source /path/to/py-hook/gdb/py_hook.py
#
# Works from the source tree and from an installed copy
# ($PREFIX/share/py-hook/gdb/py_hook.py); loading it twice is harmless.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

# gdb starts Python with dont_write_bytecode set, so py-hook's modules
# would be compiled again at every gdb start (about 0.15 s); their
# bytecode is cached beside them (where the directory is writable).
_dont_write = sys.dont_write_bytecode
sys.dont_write_bytecode = False
try:
    import pyhook  # noqa: E402  (needs the path above)
finally:
    sys.dont_write_bytecode = _dont_write

pyhook.register(_here)
