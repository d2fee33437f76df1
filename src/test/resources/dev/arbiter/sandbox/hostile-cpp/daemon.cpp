// Leaves a daemon behind: a grandchild in a session of its own that outlives the job and would
// write into whatever runs next.
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
int main() {
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            for (;;) {
                int fd = open("/tmp/daemon-was-here", O_WRONLY | O_CREAT | O_APPEND, 0666);
                if (fd >= 0) {
                    write(fd, "x", 1);
                    close(fd);
                }
                usleep(20000);
            }
        }
        _exit(0);
    }
    std::puts("T");
}
