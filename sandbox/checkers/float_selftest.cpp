// Minimal real-valued checker used by selftest.sh: one number, absolute or relative error 1e-6.
#include "testlib.h"

int main(int argc, char* argv[]) {
    registerTestlibCmd(argc, argv);
    double expected = ans.readDouble();
    double found = ouf.readDouble();
    if (!doubleCompare(expected, found, 1e-6))
        quitf(_wa, "expected %.10f, found %.10f, error %.3g", expected, found, doubleDelta(expected, found));
    quitf(_ok, "found %.10f", found);
}
