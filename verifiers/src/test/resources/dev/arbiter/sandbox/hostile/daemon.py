# Leaves a daemon behind: a double fork and setsid, then forever reading the harness's files and every
# process's descriptors, and stopping and killing every process it can see but itself and its job.
# The job waits until the daemon is seen running before it ends.
import os
import posix
import signal
import time

job = os.getpid()
ALIVE = "/tmp/daemon-alive"


def snoop():
    for root in ("/run/arbiter", "/run/arbiter/job"):
        try:
            for name in os.listdir(root):
                fd = os.open(root + "/" + name, os.O_RDONLY | os.O_NONBLOCK)
                os.read(fd, 1 << 16)
                os.close(fd)
        except OSError:
            pass
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) in (os.getpid(), job):
            continue
        try:
            for fd in os.listdir("/proc/%s/fd" % pid):
                f = os.open("/proc/%s/fd/%s" % (pid, fd), os.O_RDONLY | os.O_NONBLOCK)
                os.read(f, 1 << 16)
                os.close(f)
        except OSError:
            pass
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            try:
                posix.kill(int(pid), sig)
            except OSError:
                pass


if posix.fork() == 0:
    os.setsid()
    if posix.fork() == 0:
        for fd in range(3, 256):
            try:
                os.close(fd)
            except OSError:
                pass
        while True:
            snoop()
            try:
                os.close(os.open(ALIVE, os.O_WRONLY | os.O_CREAT, 0o600))
            except OSError:
                pass
            time.sleep(0.005)
    os._exit(0)
posix.waitpid(-1, 0)
for _ in range(300):
    if os.path.exists(ALIVE):
        break
    time.sleep(0.01)
print("left a daemon", "running" if os.path.exists(ALIVE) else "that never ran")
