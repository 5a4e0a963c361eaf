"""Malformed input for py-hook-set and py-hook-locals, sourced into gdb by
tests/fuzz.bats at a stop in samples/target.py.

Deterministic (seeded).  Every command must either succeed or fail with a
py-hook error (a gdb.GdbError whose message starts with "py-hook:"); a
Python traceback from py-hook, a call that hangs until the watchdog fires,
or a lost target counts as a defect.  Prints one summary line.
"""

import random

import gdb

rng = random.Random(20261122)

TOKENS = [
    "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "..", "...", "=", "==", ":=", "+", "-",
    "*", "**", "/", "//", "%", "@", "~", "^", "|", "&", "<<", ">>", "<", ">", "!", "?", "$",
    "lambda", "yield", "await", "async", "import", "from", "def", "class", "return", "del",
    "not", "and", "or", "in", "is", "if", "else", "for", "while", "None", "True", "False",
    "a", "scratch", "x", "_", "__import__", "1", "0", "-1", "1e999", "0x", "0b2", "1_", "1j",
    "'", '"', "'''", '"""', "f'{", "b'\\xff'", "r'\\'", "\\", "#", "\t", " ", "\u00e9", "\u4e2d",
    "\U0001f600", "\u200b", "\x01", "\x7f", "\ufeff",
]

NAME_POOL = [
    "1a", "a-b", "a b", "a.b", "a[0]", "a()", "", " ", "é", "中文", "\U0001f600", "x" * 5000,
    "class", "None", "True", "lambda", "__class__", "scratch2", "nosuch", "-", "--", "-1",
    "--frame", "'a'", '"a"', "\\", "a\tb", "a\x01", "_" * 300, "ab" * 40,
]


def gen_name():
    kind = rng.random()
    if kind < 0.4:
        return rng.choice(NAME_POOL)
    if kind < 0.7:
        return "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 4))).strip() or "?"
    alphabet = "abcXYZ_019-+.é中\U0001f600 "
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))).strip() or "?"


def gen_expr():
    kind = rng.random()
    if kind < 0.6:
        return "".join(rng.choice(TOKENS) + rng.choice(["", " "]) for _ in range(rng.randint(1, 12)))
    if kind < 0.7:
        depth = rng.randint(50, 400)
        return rng.choice("([{") * depth
    if kind < 0.8:
        depth = rng.randint(50, 300)
        return "(" * depth + "1" + ")" * depth
    if kind < 0.9:
        return rng.choice(["1/0", "int('x')", "[][1]", "{}['k']", "None.x", "undefined_name",
                           "exit()", "__import__('sys').exit(2)", "(_ for _ in ()).throw(KeyboardInterrupt)",
                           "a.__class__.__mro__[9]", "b'\\xff'.decode()", "'\\N{nope}'"])
    return "'\\x00' + " + rng.choice(TOKENS)  # escaped NUL inside a literal: valid


def gen_locals_arg():
    return rng.choice(["-1", "-0", "x", "1 2", "99999999999", "4294967296", "--x", "'", '"',
                       "1.5", "0x1", "--force --force", "--", "é", "2 --full", "\U0001f600"])


def main():
    counts = {"inputs": 0, "accepted": 0, "refused": 0, "defects": 0, "hangs": 0}
    defects = []
    pid = gdb.selected_inferior().pid

    def run(command):
        counts["inputs"] += 1
        try:
            gdb.execute(command, to_string=True)
            counts["accepted"] += 1
        except gdb.error as e:
            text = str(e)
            if "did not return within" in text:
                counts["hangs"] += 1
            if text.startswith("py-hook:") and "Traceback" not in text and "Python Exception" not in text:
                counts["refused"] += 1
            else:
                counts["defects"] += 1
                defects.append((command[:80], text[:200]))
        if gdb.selected_inferior().pid != pid:
            raise RuntimeError("the target is gone after %r" % command[:80])

    for _ in range(150):
        run("py-hook-set %s 1" % gen_name())
    for _ in range(150):
        run("py-hook-set scratch %s" % gen_expr())
    for _ in range(60):
        run("py-hook-set %s %s" % (gen_name(), gen_expr()))
    for _ in range(40):
        run("py-hook-locals %s" % gen_locals_arg())
    # Huge results: a 100 MB string and a 100 000-deep nested list.
    run("py-hook-set scratch 'x' * 100_000_000")
    run("py-hook-set scratch [l := [], [l := [l] for _ in range(100_000)]][1][-1]")
    run("py-hook-locals")
    run("py-hook-set scratch None")
    print("fuzz: %(inputs)d inputs, %(accepted)d accepted, %(refused)d refused with a py-hook "
          "error, %(defects)d defects, %(hangs)d hangs" % counts)
    for command, text in defects[:20]:
        print("defect: %r -> %r" % (command, text))


main()
