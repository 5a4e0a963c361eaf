"""Native breakpoint conditions that test Python state ($py_eval).

Each call of send() writes its buffer with os.write to /dev/null, so
`break write if $py_eval("len(buf) > 100")` stops only for the long one
(the third call, n 3).  Unedited it prints:
  sent 5
  sent 50
  sent 500
  sent 7
"""

import os

sink = os.open(os.devnull, os.O_WRONLY)


def send(n, buf):
    os.write(sink, buf)
    print("sent", len(buf))


for n, size in enumerate((5, 50, 500, 7), 1):
    send(n, b"x" * size)
