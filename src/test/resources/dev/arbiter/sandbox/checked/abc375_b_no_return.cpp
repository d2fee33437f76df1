// Wrong for ABC375 B: forgets the way back to the origin.
#include <cmath>
#include <cstdio>
int main() {
    int n;
    std::scanf("%d", &n);
    double x = 0, y = 0, total = 0;
    for (int i = 0; i < n; i++) {
        long long a, b;
        std::scanf("%lld %lld", &a, &b);
        total += std::hypot(a - x, b - y);
        x = a;
        y = b;
    }
    std::printf("%.10f\n", total);
}
