# Forges one answer frame of kind KIND whose body is not UTF-8, and waits so that it is read alone.
import os
import time

for name in os.listdir("/proc/self/fd"):
    try:
        os.write(int(name), b"KIND 2\n\xff\xfe")
    except OSError:
        pass
time.sleep(1)
print("garbage")
