// AtCoder ABC375 B "Traveling Takahashi": the length of the tour, to 1e-6.
#include <cmath>
#include <cstdio>
int main() {
    int n;
    std::scanf("%d", &n);
    long double x = 0, y = 0, total = 0;
    for (int i = 0; i < n; i++) {
        long long a, b;
        std::scanf("%lld %lld", &a, &b);
        total += std::hypot((long double) a - x, (long double) b - y);
        x = a;
        y = b;
    }
    total += std::hypot(x, y);
    std::printf("%.10Lf\n", total);
}
