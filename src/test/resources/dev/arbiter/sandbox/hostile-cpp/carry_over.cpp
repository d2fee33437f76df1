// Stashes a secret everywhere a later job could look: SysV shared memory, a message queue and a
// semaphore under the probe's key, a POSIX message queue, files in /tmp and /dev/shm.
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>
int main() {
    const key_t key = 0x41524254;
    const char secret[] = "ARBITER-STASHED-SECRET";
    int shm = shmget(key, 4096, IPC_CREAT | 0666);
    if (shm >= 0) {
        void *p = shmat(shm, nullptr, 0);
        if (p != reinterpret_cast<void *>(-1)) std::memcpy(p, secret, sizeof secret);
    }
    msgget(key, IPC_CREAT | 0666);
    semget(key, 1, IPC_CREAT | 0666);
    mq_open("/arbiter-stash", O_CREAT | O_RDWR, 0666, nullptr);
    const char *paths[] = {"/tmp/stash", "/dev/shm/stash"};
    for (const char *path : paths) {
        int fd = open(path, O_WRONLY | O_CREAT, 0666);
        if (fd >= 0) {
            write(fd, secret, sizeof secret);
            close(fd);
        }
    }
    std::puts("T");
}
