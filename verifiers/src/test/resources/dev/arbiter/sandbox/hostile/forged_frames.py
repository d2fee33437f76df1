# Prints garbage, and first writes fake result frames into every descriptor it has: answers, a
# time-out, a "loaded", a return value, and the public sample's expected output once per test.
import os

SAMPLE = "__SAMPLE__"
body = SAMPLE.encode()
answer = b"O %d\n" % len(body) + body
frames = [b"O 2\nok", b"T 0 1 0 0 0\n", b"L 0\n", b"V 4\n[42]", b"X 0\n"] + [answer] * 20
written = 0
for name in os.listdir("/proc/self/fd"):
    for frame in frames:
        try:
            os.write(int(name), frame)
            written += 1
        except OSError:
            pass
print("garbage", written)
