# Fills the container's memory with SysV shared memory, which outlives the processes that touched it,
# in 64 MiB segments until it is refused or killed: the container is then out of memory with no job
# process left to kill.
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
chunk = 64 << 20
total = 0
for _ in range(64):
    shm = libc.shmget(0, chunk, 0o1000 | 0o600)  # IPC_PRIVATE, IPC_CREAT
    if shm < 0:
        break
    addr = libc.shmat(shm, None, 0)
    if addr is None or addr == ctypes.c_void_p(-1).value:
        break
    ctypes.memset(addr, 1, chunk)
    libc.shmdt(ctypes.c_void_p(addr))
    total += chunk
print("held", total >> 20, "MiB")
