# One forged result frame of SIZE bytes of kind KIND into every descriptor that takes it, then a wait,
# so that the frame is read alone, as the harness's own answer would be.
import os
import time

frame = b"KIND %d\n" % SIZE + b"e" * SIZE
for name in os.listdir("/proc/self/fd"):
    try:
        os.write(int(name), frame)
    except OSError:
        pass
time.sleep(1)
print("garbage")
