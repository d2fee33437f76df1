# Prints 9 MiB to stdout and to stderr on every test: graded one process per test (CodeContests), the
# harness must not hold every test's output at once.
import sys

chunk = "x" * (1 << 20)
for _ in range(9):
    sys.stdout.write(chunk)
    sys.stderr.write(chunk)
