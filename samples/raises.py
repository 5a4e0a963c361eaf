"""Exceptions raised and caught, for py-hook-catch and py-hook-explain.

parse("x") raises ValueError from int() (line 20), load() a KeyError from
a dict lookup (line 26), check(3) a ConfigError (a subclass of AppError)
from a raise statement (line 32), and audit() fails an assert (line 37);
main() catches each.  Unedited it prints:
  [1, None, "missing 'port'", 'level 6 over 5', 'assert failed']
"""


class AppError(Exception):
    pass


class ConfigError(AppError):
    pass


def parse(text):
    value = int(text)
    return value


def load(cfg):
    key = "port"
    return cfg[key]


def check(limit):
    level = limit * 2
    if level > 5:
        raise ConfigError("level %d over 5" % level)
    return level


def audit(stats):
    assert stats["seen"] == stats["total"], "counts differ"


def main():
    results = []
    for text in ("1", "x"):
        try:
            results.append(parse(text))
        except ValueError:
            results.append(None)
    try:
        load({})
    except KeyError as e:
        results.append("missing " + str(e))
    try:
        check(3)
    except AppError as e:
        results.append(str(e))
    try:
        audit({"seen": 3, "total": 4})
    except AssertionError:
        results.append("assert failed")
    print(results)


main()
