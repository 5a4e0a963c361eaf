# Loads py-hook into gdb:  source /path/to/py-hook/gdb/py_hook.py
#
# Works from the source tree and from an installed copy
# ($PREFIX/share/py-hook/gdb/py_hook.py); loading it twice is harmless.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

import pyhook  # noqa: E402  (needs the path above)

pyhook.register(_here)
