// Forks without end, every child forking too: the pids limit stops it, the CPU limit ends it, and
// every process of the job must be gone before the next job.
#include <unistd.h>
int main() {
    for (;;) fork();
}
