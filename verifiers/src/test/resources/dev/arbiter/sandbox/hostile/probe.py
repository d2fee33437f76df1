# What an innocent job finds when it starts, in `found`: what an earlier job left that it can see:
# processes of its own uid but itself, entries in /tmp (but its working folder), /tmp/job, /dev/shm
# and /dev/mqueue, SysV IPC objects, and the stash of carry_over.py under its keys. stash.py comes
# first; what uses `found` follows (HostilePrograms). It reads with os calls: LiveCodeBench's runner
# replaces open() during a test.
import ctypes
import os


def read(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 1 << 20)
    finally:
        os.close(fd)


found = []
me = os.getpid()
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != me:
        try:
            uid = [line for line in read("/proc/%s/status" % pid).split(b"\n") if line.startswith(b"Uid:")][0]
        except (OSError, IndexError):
            continue
        if os.getuid() in [int(u) for u in uid.split()[1:]]:
            found.append("process %s of my uid" % pid)
for place in ("/tmp", "/dev/shm", "/dev/mqueue", "/tmp/job"):
    for name in os.listdir(place):
        if place != "/tmp" or name != "job":
            found.append("%s/%s" % (place, name))
for table in ("shm", "msg", "sem"):
    rows = read("/proc/sysvipc/" + table).split(b"\n")[1:]
    found.extend("sysv %s id %s" % (table, row.split()[1].decode()) for row in rows if row.strip())
libc = ctypes.CDLL(None, use_errno=True)
for what, ret in (("shmget", libc.shmget(KEY, 0, 0)), ("msgget", libc.msgget(KEY, 0)), ("semget", libc.semget(KEY, 0, 0))):
    if ret != -1:
        found.append("%s found the stash" % what)
if ctypes.CDLL("librt.so.1", use_errno=True).mq_open(MQ_NAME, os.O_RDONLY) != -1:
    found.append("mq_open found the stash")
