// Alignment makes the linker write a 64 MiB executable that is mostly holes: it fits /tmp as the
// compiler writes it, but not the program folder once copied whole.
#include <cstdio>
char fill[16771964] = {1};
__attribute__((aligned(1 << 23))) char d0[16] = {1};
__attribute__((aligned(1 << 24))) extern const char r1[16];
__attribute__((aligned(1 << 24))) const char r1[16] = {1};
int main() { std::printf("%d\n", d0[0] + r1[0] + fill[0] + 39); }
