# Takes 0.3 s per test and writes made-up timings where it can without touching its answer: the
# right answer follows (appended by the test).
import os
import time

time.sleep(0.3)
os.write(1, b'{"wall_ms": 1, "cpu_ms": 0, "tests": [{"wall_ms": 1}]}\n')
os.write(2, b"T 0 1 0 0 0\nwall_ms 1\n")
