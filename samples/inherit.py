"""A preloaded program whose children inherit LD_PRELOAD.

Run with LD_PRELOAD=.../libhookhelper.so: ls and sh must behave exactly as
they do without it (same output, same exit codes, nothing on stderr).
"""

import subprocess
import sys

listing = subprocess.run(["ls", "/"], capture_output=True, text=True)
print("ls exit", listing.returncode, "lines", len(listing.stdout.splitlines()))
sys.stderr.write(listing.stderr)
shell = subprocess.run(["sh", "-c", "echo from sh; exit 3"], capture_output=True, text=True)
print("sh exit", shell.returncode, shell.stdout.strip())
sys.stderr.write(shell.stderr)
missing = subprocess.run(["sh", "-c", "ls /nonexistent-py-hook 2>&1; exit $?"], capture_output=True, text=True)
print("missing exit", missing.returncode, missing.stdout.strip())
