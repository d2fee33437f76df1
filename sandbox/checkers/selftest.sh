#!/usr/bin/env bash
# Compiles the checkers against our testlib.h and checks their exit codes.
# Usage: sandbox/checkers/selftest.sh   (needs g++ with C++17)
set -u
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for name in arc185_c float_selftest; do
    if ! g++ -std=c++17 -O2 -Wall -Wextra -o "$tmp/$name" "$here/$name.cpp"; then
        echo "FAIL compile $name.cpp"
        exit 1
    fi
done

failures=0
# check NAME CHECKER EXPECTED INPUT OUTPUT ANSWER ; EXPECTED may be "1|2".
check() {
    local name="$1" checker="$2" expected="$3"
    printf '%s' "$4" >"$tmp/in"
    printf '%s' "$5" >"$tmp/out"
    printf '%s' "$6" >"$tmp/ans"
    "$tmp/$checker" "$tmp/in" "$tmp/out" "$tmp/ans" 2>"$tmp/msg"
    local got=$?
    local msg
    msg="$(head -c 200 "$tmp/msg" | tr '\n' ' ')"
    if [[ "|$expected|" == *"|$got|"* ]]; then
        echo "ok   $name: exit $got ($msg)"
    else
        echo "FAIL $name: expected exit $expected, got $got ($msg)"
        failures=$((failures + 1))
    fi
}

A5=$'5 16\n1 8 5 10 13\n'
A5X20=$'5 20\n1 8 5 10 13\n'
A4=$'4 6\n1 2 3 3\n'
check "jury's triple"            arc185_c 0 "$A5" $'1 3 4\n' $'1 3 4\n'
check "4.0 is not an integer"    arc185_c 2 "$A5" $'1 3 4.0\n' $'1 3 4\n'
check "another valid triple"     arc185_c 0 "$A4" $'1 2 4\n' $'1 2 3\n'
check "sum 7"                    arc185_c 1 "$A4" $'1 3 4\n' $'1 2 3\n'
check "both -1"                  arc185_c 0 "$A5X20" $'-1\n' $'-1\n'
check "bad triple, jury -1"      arc185_c 1 "$A5X20" $'1 2 3\n' $'-1\n'
check "-1 but triple exists"     arc185_c 1 "$A5" $'-1\n' $'1 3 4\n'
check "empty output"             arc185_c 2 "$A5" '' $'1 3 4\n'
check "not increasing"           arc185_c 1 "$A5" $'3 1 4\n' $'1 3 4\n'
check "extra output"             arc185_c 2 "$A5" $'1 3 4 5\n' $'1 3 4\n'
check "leading zeros"            arc185_c 2 "$A5" $'0001 3 4\n' $'1 3 4\n'
# Beyond the brief: whitespace, ranges and the jury-side rule.
check "CRLF and spacing"         arc185_c 0 "$A5" $'  1\r\n3   4\r\n\r\n' $'1 3 4\n'
check "index out of range"       arc185_c 1 "$A5" $'1 3 9\n' $'1 3 4\n'
check "index 0"                  arc185_c 1 "$A5" $'0 3 4\n' $'1 3 4\n'
check "-0"                       arc185_c 2 "$A5" $'-0\n' $'1 3 4\n'
check "+1"                       arc185_c 2 "$A5" $'+1 3 4\n' $'1 3 4\n'
check "int32 overflow"           arc185_c 2 "$A5" $'4294967297 3 4\n' $'1 3 4\n'
check "truncated triple"         arc185_c 2 "$A5" $'1 3\n' $'1 3 4\n'
check "valid, jury says -1"      arc185_c 3 "$A5" $'1 3 4\n' $'-1\n'
check "jury's triple is wrong"   arc185_c 3 "$A5" $'1 3 4\n' $'1 2 3\n'
check "jury's file is empty"     arc185_c 3 "$A5" $'1 3 4\n' ''

check "within 1e-6"              float_selftest 0 $'0\n' $'0.3333333\n' $'0.333333333\n'
check "off by 6.7e-5"            float_selftest 1 $'0\n' $'0.3334\n' $'0.333333333\n'
check "relative error"           float_selftest 0 $'0\n' $'1000000.5\n' $'1000000\n'
check "exponent form"            float_selftest 0 $'0\n' $'3.333333333E-1\n' $'0.333333333\n'
check "nan rejected"             float_selftest 2 $'0\n' $'nan\n' $'0.5\n'
check "hex rejected"             float_selftest 2 $'0\n' $'0x1p-1\n' $'0.5\n'
check "inf rejected"             float_selftest 2 $'0\n' $'inf\n' $'0.5\n'

if [[ $failures -ne 0 ]]; then
    echo "$failures case(s) failed"
    exit 1
fi
echo "all cases passed"
