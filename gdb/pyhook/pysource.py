"""What gdb's own Python can tell about the program's Python source before
sending it: the names a statement declares global.  (Where gdb's Python,
3.11, cannot parse newer syntax, the program's compiler has the last word.)"""

import ast
import re


def declared_global(statements):
    """The names STATEMENTS declare global at their own level (a 'global'
    inside a def or class they define is that function's business)."""
    try:
        tree = ast.parse(statements, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Newer syntax than gdb's Python reads: the target's compiler
        # decides; find the global statements by their look.
        found = []
        for m in re.finditer(r"(?:^|;)\s*global\s+([\w\s,]+)", statements, re.M):
            found.extend(n.strip() for n in m.group(1).split(",") if n.strip().isidentifier())
        return found
    found, todo = [], list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, ast.Global):
            found.extend(n for n in node.names if n not in found)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                   ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
    return found
