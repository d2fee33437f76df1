// Binary search over the judge's answers.
#include <cstdio>
int main() {
    long long n;
    if (std::scanf("%lld", &n) != 1) return 1;
    long long lo = 1, hi = n;
    while (lo < hi) {
        long long mid = lo + (hi - lo) / 2;
        std::printf("? %lld\n", mid);
        std::fflush(stdout);
        char r[4];
        std::scanf("%3s", r);
        if (r[0] == '=') {
            lo = hi = mid;
        } else if (r[0] == '<') {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    std::printf("! %lld\n", lo);
    std::fflush(stdout);
}
