// Asks every number in turn: right in the end, but far over the question budget.
#include <cstdio>
int main() {
    long long n;
    std::scanf("%lld", &n);
    for (long long y = 1; y <= n; y++) {
        std::printf("? %lld\n", y);
        std::fflush(stdout);
        char r[4];
        if (std::scanf("%3s", r) != 1) return 0;
        if (r[0] == '=') {
            std::printf("! %lld\n", y);
            std::fflush(stdout);
            return 0;
        }
    }
}
