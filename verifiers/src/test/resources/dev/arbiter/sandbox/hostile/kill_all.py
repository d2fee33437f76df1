# Sends SIGSTOP and SIGKILL to every process it can see, PID 1 included, and to -1; prints each refusal
# as (target, signal, errno). The daemon (daemon.py) follows.
import os
import posix
import signal

me = os.getpid()
refused = []
for target in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()) + [-1]:
    if target == me:
        continue
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        try:
            posix.kill(target, sig)
        except OSError as e:
            refused.append("kill %d %s errno %d" % (target, sig.name, e.errno))
print("\n".join(refused))
