/* Bounded stress and idle tests: one X(name) per test. */
