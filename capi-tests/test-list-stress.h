/* Bounded stress and idle tests: one X(name) per test. */

/* test-stress-conn.c */
X(stress_conn_many)
X(stress_conn_64k)
X(stress_conn_19000)

/* test-stress-cancel.c */
X(stress_cancel_threads)
X(stress_cancel_pipe)

/* test-stress-sul.c */
X(stress_sul_random)
X(stress_sul_sul2_moves)

/* test-stress-context.c */
X(stress_context_cycle)

/* test-idle.c */
X(idle_listener_sleeps)
X(idle_timer_500us)

/* test-stress-emfile.c */
X(stress_emfile_backoff)
