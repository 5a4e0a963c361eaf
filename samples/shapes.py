"""Cells, free variables, a generator and a method, each with a native stop.

Each scenario calls a different libc function, so a test can stop in exactly
one of them:
  break getpgrp    make_counter(): count is a cell of this frame
  break getppid    bump(): count is a free variable, step an argument
  break getsid     numbers(): a generator's frame, n a local
  break getpriority  Account.deposit(): self and amount
Unedited it prints:
  counter 11 12
  generator [0, 1, 2, 3, 4, 5]
  account 12
"""

import os


def make_counter(start):
    count = start  # a cell: bump() shares it
    os.getpgrp()  # native stop: count is a cell here

    def bump(step):
        nonlocal count  # a free variable here
        os.getppid()  # native stop: count is free, step an argument
        count += step
        return count

    return bump


def numbers(limit):
    n = 0
    while n < limit:
        if n == 1:
            os.getsid(0)  # native stop inside the generator's frame
        yield n
        n += 1


class Account:
    def __init__(self, balance):
        self.balance = balance

    def deposit(self, amount):
        os.getpriority(os.PRIO_PROCESS, 0)  # native stop: self and amount
        self.balance += amount
        return self.balance


def main():
    bump = make_counter(10)
    first = bump(1)
    print("counter", first, bump(1))
    print("generator", list(numbers(6)))
    print("account", Account(5).deposit(7))


main()
