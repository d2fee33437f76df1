# Stashes a secret for a later job: files in folders closed to others (0000, 0300) in /tmp, /dev/shm
# and the working folder; a POSIX message queue; SysV shared memory, a message queue and a semaphore,
# each under a fixed key and a private one. stash.py comes first.
import ctypes
import os
import posix

IPC_CREAT = 0o1000
made = []


def put(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, data)
    os.close(fd)


for place in ("/tmp", "/dev/shm", "."):
    for mode in (0o000, 0o300):
        d = "%s/stash-%03o" % (place, mode)
        os.mkdir(d)
        put(d + "/secret", SECRET)
        os.mkdir(d + "/inner")
        put(d + "/inner/secret", SECRET)
        posix.chmod(d + "/inner", mode)
        posix.chmod(d, mode)
        made.append(d)
    put(place + "/secret", SECRET)
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
for key in (KEY, 0):
    shm = libc.shmget(key, 4096, IPC_CREAT | 0o666)
    addr = libc.shmat(shm, None, 0)
    ctypes.memmove(addr, SECRET, len(SECRET))
    libc.shmdt(ctypes.c_void_p(addr))
    made.append("shm %d" % shm)
    msq = libc.msgget(key, IPC_CREAT | 0o666)
    msg = ctypes.create_string_buffer(ctypes.sizeof(ctypes.c_long) + len(SECRET))
    ctypes.c_long.from_buffer(msg).value = 1
    msg[ctypes.sizeof(ctypes.c_long):] = SECRET
    made.append("msgsnd %d" % libc.msgsnd(msq, msg, len(SECRET), 0))
    sem = libc.semget(key, 1, IPC_CREAT | 0o666)
    made.append("semctl %d" % libc.semctl(sem, 0, 16, 42))  # SETVAL
rt = ctypes.CDLL("librt.so.1", use_errno=True)
mq = rt.mq_open(MQ_NAME, os.O_CREAT | os.O_RDWR, 0o666, None)
made.append("mq_send %d" % rt.mq_send(mq, SECRET, len(SECRET), 0))
print("stashed", made)
