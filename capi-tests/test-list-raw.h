/* Tests of RAW wsis and custom event libraries: one X(name) per test. */
