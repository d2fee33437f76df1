# System calls a job never needs, each printed as "<call> <return value> <errno>".
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
print("io_uring_setup", libc.syscall(425, 8, params), ctypes.get_errno())
print("unshare(CLONE_NEWUSER)", libc.unshare(0x10000000), ctypes.get_errno())
print("unshare(CLONE_NEWNS)", libc.unshare(0x00020000), ctypes.get_errno())
print("ptrace(PTRACE_ATTACH, 1)", libc.ptrace(16, 1, None, None), ctypes.get_errno())
