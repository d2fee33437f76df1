// testlib.h - Arbiter's own implementation of the checker subset of the testlib API
// (the competitive-programming library by Mike Mirzayanov). Written from scratch from the
// API's documented behaviour so that ordinary testlib checkers compile unchanged; it is
// not derived from testlib's source. C++17, standard library only.
//
// Supported:
//   registerTestlibCmd(argc, argv)  checker <input> <output> <answer> [ignored...]
//   registerChecker(name, argc, argv), setName(fmt, ...)  (setName is a no-op)
//   InStream inf, ouf, ans (non-strict: whitespace before tokens is skipped):
//     readInt/readInteger/readLong/readDouble/readReal ()  (min, max [, name])
//     readInts/readLongs/readDoubles(n [, min, max [, name]])
//     readToken/readWord, readLine/readString, readChar()/readChar(c), readSpace,
//     readEoln, readEof, eof, eoln, seekEof, seekEoln, skipBlanks,
//     quit, quitf, quitif, ensuref
//   quit, quitf, quitif, quitp, ensure(cond), ensuref(cond, fmt, ...)
//   TResult: _ok _wa _pe _fail _dirt _points _unexpected_eof
//   doubleCompare, doubleDelta, compareWords, upperCase, lowerCase, englishEnding,
//   compress, vtos, toString, format(fmt, ...)
// Not supported: generators, validators, interactors, strict mode, token patterns
// (readToken("[a-z]+")), _pc/_partially, result files (extra arguments are ignored).
//
// Verdict: message to stderr as "<prefix><message>", exit code
//   _ok 0 "ok " | _wa 1 "wrong answer " | _pe, _dirt, _unexpected_eof 2 "wrong output format "
//   _fail 3 "FAIL " | _points 7 "points <value> ".
// Read errors on ouf: bad format / end of file -> _pe, value out of [min, max] -> _wa.
// Any non-_fail verdict raised by inf or ans becomes _fail: the jury's files are wrong.
#ifndef ARBITER_TESTLIB_H
#define ARBITER_TESTLIB_H

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#define ARBITER_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum TResult { _ok = 0, _wa = 1, _pe = 2, _fail = 3, _dirt = 4, _points = 5, _unexpected_eof = 8 };
enum TMode { _input, _output, _answer };

namespace arbiter_testlib {
inline bool registered = false;
inline bool quitCalled = false;

inline std::string vformat(const char* fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    if (n < 0) return fmt;
    std::string s(static_cast<size_t>(n), '\0');
    std::vsnprintf(&s[0], s.size() + 1, fmt, ap);
    return s;
}

// A checker that returns from main without a verdict must not count as accepted.
struct FinalGuard {
    ~FinalGuard() {
        if (registered && !quitCalled) {
            std::fputs("FAIL checker ended without calling quit or quitf\n", stderr);
            std::fflush(stderr);
            std::_Exit(3);
        }
    }
};
inline FinalGuard finalGuard;
}  // namespace arbiter_testlib

ARBITER_PRINTF(1, 2) inline std::string format(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string s = arbiter_testlib::vformat(fmt, ap);
    va_end(ap);
    return s;
}

template <typename T> std::string vtos(const T& v) {
    std::ostringstream os;
    os << v;
    return os.str();
}
template <typename T> std::string toString(const T& v) { return vtos(v); }

// Shortens long tokens so that verdict messages stay readable.
inline std::string compress(const std::string& s) {
    return s.size() <= 64 ? s : s.substr(0, 30) + "..." + s.substr(s.size() - 30);
}

[[noreturn]] void quit(TResult result, const std::string& message);

class InStream {
public:
    void init(const char* path, TMode m, const std::string& streamName) {
        mode = m;
        name = streamName;
        // stdio rather than ifstream: ifstream "opens" a directory and reads it as empty.
        std::FILE* f = std::fopen(path, "rb");
        data.clear();
        bool ok = f != nullptr;
        char buf[1 << 16];
        size_t got;
        while (ok && (got = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, got);
        if (f) {
            ok = ok && !std::ferror(f);
            std::fclose(f);
        }
        // A missing output file is the contestant's fault; a missing jury file is ours.
        if (!ok) quit(m == _output ? _pe : _fail, std::string(m == _output ? "cannot read output file " : "cannot read ") + path);
        pos = 0;
        opened = true;
    }

    bool isOpened() const { return opened; }

    [[noreturn]] void quit(TResult r, const std::string& msg) {
        if (mode != _output) ::quit(_fail, msg + " (" + name + " file)");
        ::quit(r, msg);
    }
    [[noreturn]] ARBITER_PRINTF(3, 4) void quitf(TResult r, const char* fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        std::string s = arbiter_testlib::vformat(fmt, ap);
        va_end(ap);
        quit(r, s);
    }
    ARBITER_PRINTF(4, 5) void quitif(bool cond, TResult r, const char* fmt, ...) {
        if (!cond) return;
        va_list ap;
        va_start(ap, fmt);
        std::string s = arbiter_testlib::vformat(fmt, ap);
        va_end(ap);
        quit(r, s);
    }
    // A failed check on ouf is a wrong answer; on inf/ans quit() turns it into _fail.
    ARBITER_PRINTF(3, 4) void ensuref(bool cond, const char* fmt, ...) {
        if (cond) return;
        va_list ap;
        va_start(ap, fmt);
        std::string s = arbiter_testlib::vformat(fmt, ap);
        va_end(ap);
        quit(_wa, s);
    }

    bool eof() const { return pos >= data.size(); }
    void skipBlanks() {
        while (pos < data.size() && isBlank(data[pos])) ++pos;
    }
    bool seekEof() {
        skipBlanks();
        return eof();
    }
    // Like testlib's non-strict mode: end of file counts as end of line, and a line end
    // that is found is consumed.
    bool eoln() {
        if (eof()) return true;
        if (data[pos] == '\n') { ++pos; return true; }
        if (data[pos] == '\r' && pos + 1 < data.size() && data[pos + 1] == '\n') { pos += 2; return true; }
        return false;
    }
    bool seekEoln() {
        while (pos < data.size() && (data[pos] == ' ' || data[pos] == '\t')) ++pos;
        return eoln();
    }
    void readEoln() {
        if (!seekEoln()) quit(_pe, "expected end of line");
    }
    void readEof() {
        if (!seekEof()) quit(_pe, "expected end of file");
    }

    char readChar() {
        if (eof()) quit(_unexpected_eof, "unexpected end of file - character expected");
        return data[pos++];
    }
    char readChar(char expected) {
        char c = readChar();
        if (c != expected) quit(_pe, format("expected character %s, but %s found", charName(expected).c_str(), charName(c).c_str()));
        return c;
    }
    void readSpace() { readChar(' '); }

    std::string readToken() {
        skipBlanks();
        if (eof()) quit(_unexpected_eof, "unexpected end of file - token expected");
        size_t start = pos;
        while (pos < data.size() && !isBlank(data[pos])) ++pos;
        return data.substr(start, pos - start);
    }
    std::string readWord() { return readToken(); }

    // Rest of the current line without its line end ("\n" or "\r\n").
    std::string readLine() {
        if (eof()) quit(_unexpected_eof, "unexpected end of file - line expected");
        size_t start = pos;
        while (pos < data.size() && data[pos] != '\n') ++pos;
        std::string line = data.substr(start, pos - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (pos < data.size()) ++pos;
        return line;
    }
    std::string readString() { return readLine(); }

    long long readLong() {
        std::string t = readToken();
        long long v;
        int status = parseInteger(t, v);
        if (status == 1) quit(_pe, "expected integer, but \"" + compress(t) + "\" found");
        if (status == 2) quit(_pe, "expected int64, but \"" + compress(t) + "\" found");
        return v;
    }
    long long readLong(long long lo, long long hi, const std::string& var = "") {
        long long v = readLong();
        if (v < lo || v > hi) quit(_wa, rangeMessage(var, "integer", vtos(v), vtos(lo), vtos(hi)));
        return v;
    }
    int readInt() {
        std::string t = readToken();
        long long v;
        int status = parseInteger(t, v);
        if (status == 1) quit(_pe, "expected integer, but \"" + compress(t) + "\" found");
        if (status == 2 || v < INT_MIN || v > INT_MAX) quit(_pe, "expected int32, but \"" + compress(t) + "\" found");
        return static_cast<int>(v);
    }
    int readInt(int lo, int hi, const std::string& var = "") {
        int v = readInt();
        if (v < lo || v > hi) quit(_wa, rangeMessage(var, "integer", vtos(v), vtos(lo), vtos(hi)));
        return v;
    }
    int readInteger() { return readInt(); }
    int readInteger(int lo, int hi, const std::string& var = "") { return readInt(lo, hi, var); }

    double readDouble() {
        std::string t = readToken();
        double v;
        if (!parseDouble(t, v)) quit(_pe, "expected double, but \"" + compress(t) + "\" found");
        return v;
    }
    double readDouble(double lo, double hi, const std::string& var = "") {
        double v = readDouble();
        if (v < lo || v > hi) quit(_wa, rangeMessage(var, "double", vtos(v), vtos(lo), vtos(hi)));
        return v;
    }
    double readReal() { return readDouble(); }
    double readReal(double lo, double hi, const std::string& var = "") { return readDouble(lo, hi, var); }

    std::vector<int> readInts(int n, int lo = INT_MIN, int hi = INT_MAX, const std::string& var = "") {
        return readMany<int>(n, [&] { return readInt(lo, hi, var); });
    }
    std::vector<long long> readLongs(int n, long long lo = LLONG_MIN, long long hi = LLONG_MAX, const std::string& var = "") {
        return readMany<long long>(n, [&] { return readLong(lo, hi, var); });
    }
    std::vector<double> readDoubles(int n, double lo = -HUGE_VAL, double hi = HUGE_VAL, const std::string& var = "") {
        return readMany<double>(n, [&] { return readDouble(lo, hi, var); });
    }

private:
    std::string data;
    size_t pos = 0;
    TMode mode = _input;
    std::string name = "input";
    bool opened = false;

    static bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    static bool isDigit(char c) { return c >= '0' && c <= '9'; }
    static std::string charName(char c) {
        if (c >= 33 && c <= 126) return std::string("'") + c + "'";
        return format("#%d", static_cast<unsigned char>(c));
    }
    static std::string rangeMessage(const std::string& var, const char* kind, const std::string& v,
                                    const std::string& lo, const std::string& hi) {
        std::string who = var.empty() ? std::string(kind) : kind + std::string(" ") + var;
        return who + " = " + v + " is out of range [" + lo + ", " + hi + "]";
    }
    template <typename T, typename F> std::vector<T> readMany(int n, F read) {
        std::vector<T> v;
        v.reserve(n > 0 ? static_cast<size_t>(n) : 0);
        for (int i = 0; i < n; ++i) v.push_back(read());
        return v;
    }

    // 0: ok; 1: not an integer (sign, leading zeros, "-0", any other character); 2: overflows int64.
    static int parseInteger(const std::string& t, long long& out) {
        size_t i = 0;
        bool neg = !t.empty() && t[0] == '-';
        if (neg) ++i;
        if (i == t.size()) return 1;
        if (t[i] == '0' && (t.size() - i > 1 || neg)) return 1;
        const unsigned long long limit = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
        unsigned long long v = 0;
        bool overflow = false;
        for (; i < t.size(); ++i) {
            if (!isDigit(t[i])) return 1;
            unsigned d = static_cast<unsigned>(t[i] - '0');
            if (v > (limit - d) / 10) overflow = true;  // keep scanning: a later letter is a format error
            else v = v * 10 + d;
        }
        if (overflow) return 2;
        out = neg ? static_cast<long long>(0 - v) : static_cast<long long>(v);
        return 0;
    }

    // Decimal and exponent forms only; strtod alone would also accept nan, inf and hex.
    static bool parseDouble(const std::string& t, double& out) {
        size_t i = 0, n = t.size(), digits = 0;
        if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
        while (i < n && isDigit(t[i])) ++i, ++digits;
        if (i < n && t[i] == '.') {
            ++i;
            while (i < n && isDigit(t[i])) ++i, ++digits;
        }
        if (digits == 0) return false;
        if (i < n && (t[i] == 'e' || t[i] == 'E')) {
            ++i;
            if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
            size_t expDigits = 0;
            while (i < n && isDigit(t[i])) ++i, ++expDigits;
            if (expDigits == 0) return false;
        }
        if (i != n) return false;
        out = std::strtod(t.c_str(), nullptr);
        return std::isfinite(out);
    }
};

inline InStream inf, ouf, ans;

[[noreturn]] inline void quit(TResult result, const std::string& message) {
    std::string msg = message;
    // testlib's rule: an accepted answer followed by more than whitespace is a format error.
    if (result == _ok && ouf.isOpened() && !ouf.seekEof()) {
        result = _dirt;
        msg = "extra information in the output file";
    }
    const char* prefix = "FAIL ";
    int code = 3;
    switch (result) {
        case _ok: prefix = "ok "; code = 0; break;
        case _wa: prefix = "wrong answer "; code = 1; break;
        case _pe: case _dirt: case _unexpected_eof: prefix = "wrong output format "; code = 2; break;
        case _points: prefix = "points "; code = 7; break;
        case _fail: break;
        default: msg = "unknown verdict " + vtos(static_cast<int>(result)) + ": " + msg; break;
    }
    arbiter_testlib::quitCalled = true;
    std::fprintf(stderr, "%s%s\n", prefix, msg.c_str());
    std::fflush(stderr);
    std::exit(code);
}

[[noreturn]] ARBITER_PRINTF(2, 3) inline void quitf(TResult result, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string s = arbiter_testlib::vformat(fmt, ap);
    va_end(ap);
    quit(result, s);
}

ARBITER_PRINTF(3, 4) inline void quitif(bool cond, TResult result, const char* fmt, ...) {
    if (!cond) return;
    va_list ap;
    va_start(ap, fmt);
    std::string s = arbiter_testlib::vformat(fmt, ap);
    va_end(ap);
    quit(result, s);
}

namespace arbiter_testlib {
inline std::string pointsText(double points) {
    std::string s = format("%.10f", points);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}
}  // namespace arbiter_testlib

// Partial score: exit code 7, message "points <value> <text>".
template <typename F> [[noreturn]] void quitp(F points, const std::string& message = "") {
    std::string p = arbiter_testlib::pointsText(static_cast<double>(points));
    quit(_points, message.empty() ? p : p + " " + message);
}
template <typename F> [[noreturn]] void quitp(F points, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string s = arbiter_testlib::vformat(fmt, ap);
    va_end(ap);
    quitp(points, s);
}

ARBITER_PRINTF(2, 3) inline void ensuref(bool cond, const char* fmt, ...) {
    if (cond) return;
    va_list ap;
    va_start(ap, fmt);
    std::string s = arbiter_testlib::vformat(fmt, ap);
    va_end(ap);
    quit(_fail, s);
}
inline void arbiterEnsure(bool cond, const char* text) {
    if (!cond) quit(_fail, std::string("check failed: ") + text);
}
// A macro so that the failed condition's text is in the message.
#define ensure(cond) ::arbiterEnsure(static_cast<bool>(cond), #cond)

inline void registerTestlibCmd(int argc, char* argv[]) {
    arbiter_testlib::registered = true;
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s <input-file> <output-file> <answer-file>\n", argc > 0 ? argv[0] : "checker");
        quit(_fail, "checker needs the input, output and answer file names");
    }
    inf.init(argv[1], _input, "input");
    ouf.init(argv[2], _output, "output");
    ans.init(argv[3], _answer, "answer");
}
inline void registerChecker(const std::string&, int argc, char* argv[]) { registerTestlibCmd(argc, argv); }
ARBITER_PRINTF(1, 2) inline void setName(const char*, ...) {}

// True when the absolute or the relative error is at most maxError.
inline bool doubleCompare(double expected, double result, double maxError) {
    if (std::isnan(expected) || std::isnan(result)) return std::isnan(expected) && std::isnan(result);
    if (std::isinf(expected) || std::isinf(result)) return expected == result;
    const double slack = 1e-15;  // absorbs rounding in the decimal input
    double diff = std::fabs(result - expected);
    return diff <= maxError + slack || diff <= maxError * std::fabs(expected) + slack;
}
inline double doubleDelta(double expected, double result) {
    double abs = std::fabs(result - expected);
    if (std::fabs(expected) > 1e-9) return std::min(abs, abs / std::fabs(expected));
    return abs;
}

inline std::string upperCase(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}
inline std::string lowerCase(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
// True when both strings hold the same whitespace-separated words.
inline bool compareWords(const std::string& a, const std::string& b) {
    std::istringstream sa(a), sb(b);
    std::string wa, wb;
    while (true) {
        bool ha = static_cast<bool>(sa >> wa), hb = static_cast<bool>(sb >> wb);
        if (ha != hb) return false;
        if (!ha) return true;
        if (wa != wb) return false;
    }
}
// Suffix for an ordinal: 1 -> "st", 12 -> "th", 23 -> "rd".
inline std::string englishEnding(long long x) {
    long long r100 = (x < 0 ? -x : x) % 100, r10 = r100 % 10;
    if (r100 >= 11 && r100 <= 13) return "th";
    if (r10 == 1) return "st";
    if (r10 == 2) return "nd";
    if (r10 == 3) return "rd";
    return "th";
}

#endif  // ARBITER_TESTLIB_H
