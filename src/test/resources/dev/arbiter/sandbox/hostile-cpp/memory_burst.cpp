// Four processes each touch 1 GiB as fast as they can: the sum is over the limit long before any
// one process is, and faster than a poll.
#include <cstdlib>
#include <unistd.h>
int main() {
    fork();
    fork();
    const size_t n = 1UL << 30;
    volatile char *p = static_cast<volatile char *>(std::malloc(n));
    for (size_t i = 0; p && i < n; i += 4096) p[i] = 1;  // volatile: every page is touched
    return 0;
}
