# A call-based program whose top level, run while the program loads, forges an 8 MiB "E" (load
# error) frame and waits, so that the frame is read alone.
import os
import time

frame = b"E %d\n" % (8 << 20) + b"e" * (8 << 20)
for name in os.listdir("/proc/self/fd"):
    try:
        os.write(int(name), frame)
    except OSError:
        pass
time.sleep(1)


class Solution:
    def countSeniors(self, details: List[str]) -> int:
        return -1
