"""What gdb's own Python can tell about the program's Python source before
sending it: the names a statement declares global.  (Where gdb's Python,
3.11, cannot parse newer syntax, the program's compiler has the last word.)"""

import ast
import re


# A string literal, roughly: enough to keep the fallback below from reading
# 'global' inside one.
_STRING = re.compile(
    "[rRbBuUfF]{0,2}(?:'''.*?'''|\"\"\".*?\"\"\"|'(?:\\\\.|[^'\\\\\\n])*'"
    "|\"(?:\\\\.|[^\"\\\\\\n])*\")", re.S)
_GLOBAL = re.compile(r"(?:^|;)[ \t]*global[ \t]+([\w \t,]+)", re.M)


def declared_global(statements):
    """The names STATEMENTS declare global, at their own level and in the
    functions and classes they define.  STATEMENTS run in one namespace,
    which stands for the module's globals in the functions they define as
    well: so a name a nested function declares global is the global in the
    whole statement (the top level then reads the global too)."""
    try:
        tree = ast.parse(statements, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Newer syntax than gdb's Python reads: the target's compiler
        # decides; find the global statements by their look, outside
        # string literals.
        found = []
        for m in _GLOBAL.finditer(_STRING.sub('""', statements)):
            for name in m.group(1).split(","):
                name = name.strip()
                if name.isidentifier() and name not in found:
                    found.append(name)
        return found
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.extend(n for n in node.names if n not in found)
    return found
