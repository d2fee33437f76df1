// Checker for AtCoder ARC185 C "Sum of Three Integers".
// Input: N X, then A_1..A_N. Answer: -1, or i j k with 1 <= i < j < k <= N and
// A_i + A_j + A_k = X; any valid triple is accepted.
// Anything but whitespace after the contestant's answer is "wrong output format" (_pe),
// the same verdict testlib gives for extra output after an accepted answer.
#include "testlib.h"

#include <array>
#include <vector>

struct Answer {
    bool none;  // printed -1
    std::array<int, 3> idx;
};

// Reads and validates one answer. Errors go through the stream, so they are _wa for the
// contestant's output and become _fail for the jury's answer.
static Answer readAnswer(InStream& s, int n, long long x, const std::vector<long long>& a) {
    int i = s.readInt();
    if (i == -1) return {true, {0, 0, 0}};
    if (i < 1 || i > n) s.quitf(_wa, "i = %d is out of range [1, %d] and is not -1", i, n);
    int j = s.readInt(1, n, "j");
    int k = s.readInt(1, n, "k");
    if (!(i < j && j < k)) s.quitf(_wa, "indices %d %d %d are not strictly increasing", i, j, k);
    long long sum = a[i - 1] + a[j - 1] + a[k - 1];
    if (sum != x) s.quitf(_wa, "A_%d + A_%d + A_%d = %lld, expected %lld", i, j, k, sum, x);
    return {false, {i, j, k}};
}

int main(int argc, char* argv[]) {
    registerTestlibCmd(argc, argv);
    int n = inf.readInt(1, 100000000, "N");
    long long x = inf.readLong();
    std::vector<long long> a = inf.readLongs(n);

    Answer jury = readAnswer(ans, n, x, a);
    Answer part = readAnswer(ouf, n, x, a);
    if (!ouf.seekEof()) quitf(_pe, "extra output after the answer");

    if (part.none && jury.none) quitf(_ok, "no triple exists");
    if (part.none)
        quitf(_wa, "printed -1, but a triple exists: %d %d %d", jury.idx[0], jury.idx[1], jury.idx[2]);
    if (jury.none)
        quitf(_fail, "contestant found %d %d %d, but the jury printed -1", part.idx[0], part.idx[1], part.idx[2]);
    quitf(_ok, "triple %d %d %d", part.idx[0], part.idx[1], part.idx[2]);
}
