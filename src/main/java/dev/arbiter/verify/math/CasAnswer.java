package dev.arbiter.verify.math;

/** What the CAS says about "is this expression identically zero?". */
enum CasAnswer { ZERO, NONZERO, UNKNOWN, TIMEOUT, UNAVAILABLE }
