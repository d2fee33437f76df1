# Under a CPU clock: in the first test, a forked helper does about 8 s of CPU work (on a 2020s server core)
# while the main process only waits for it. The right answer follows (appended by the test), so only
# the helper's CPU time, if it is counted, can fail the program.
import os
import posix
import sys
import time

if not hasattr(sys, "_helped"):
    sys._helped = True
    if posix.fork() == 0:
        for _ in range(400_000_000):
            pass
        os.close(os.open("helper-done", os.O_WRONLY | os.O_CREAT, 0o600))
        os._exit(0)
    while not os.path.exists("helper-done"):
        time.sleep(0.01)
