"""Suspended generators and coroutines, for --of VAR.

main() holds `gen`, a counter() generator suspended at its yield (line 17)
with limit 10 and n 0, and `co`, a job() coroutine suspended at its await
(line 28) with x 5 and y 10.  `break getppid` stops in main() (line 37).
Unedited it prints:
  rest [1, 2, 3, 4, 5, 6, 7, 8, 9]
  job 11
"""

import os


def counter(limit):
    n = 0
    while n < limit:
        step = yield n
        n += step or 1


class Pause:
    def __await__(self):
        yield "paused"


async def job(x):
    y = x * 2
    await Pause()
    return y + 1


# A global generator that main() shadows with a local of the same name,
# unbound at the stop: --of later must not reach the global.
later = counter(3)


def main():
    gen = counter(10)
    next(gen)
    co = job(5)
    co.send(None)
    os.getppid()  # the native stop: break getppid
    print("rest", list(gen))
    try:
        co.send(None)
    except StopIteration as done:
        print("job", done.value)
    later = None
    return later


main()
