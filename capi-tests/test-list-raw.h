/* Tests of RAW wsis and custom event libraries: one X(name) per test. */

/* test-raw-adopt.c */
X(raw_adopt_echo)
X(raw_adopt_named_vs_none)
X(raw_adopt_unknown_protocol)
X(raw_adopt_file_pipe)
X(raw_adopt_closed_fd)
X(raw_adopt_twice)

/* test-raw-listen.c */
X(raw_listen_client_echo)
X(raw_client_refused)
X(raw_listen_unix_path)
X(raw_listen_unix_abstract)
X(raw_listen_ipv6)
X(raw_listen_iface_name)

/* test-raw-write.c */
X(raw_writable_coalesce)
X(raw_writable_all_protocol)
X(raw_close_by_return)
X(raw_write_slow_reader)
X(raw_write_peer_gone_no_sigpipe)
X(raw_writeable_peer_gone_no_sigpipe)
X(raw_fd_reuse)

/* test-raw-flow.c */
X(raw_rx_flow)
X(raw_rx_flow_pause_in_rx)

/* test-raw-timeout.c */
X(raw_timeout_secs)
X(raw_timeout_kill)
X(raw_timeout_us)
X(raw_timer)
X(raw_timer_dies_with_wsi)
X(raw_timer_cancel)

/* test-udp.c */
X(udp_bind_echo)
X(udp_connected)

/* test-custom.c */
X(custom_evlib_hooks)
X(custom_service_fd_returns)
X(custom_adjust_timeout)
X(custom_adjust_timeout_sub_ms)
X(custom_cancel_wakes_loop)
X(custom_logical_close_deferred)
X(custom_sul_from_program_code_wakes_loop)
X(custom_resumed_rx_before_hangup)

/* test-extpoll.c */
X(extpoll_echo)

/* test-raw-callbacks.c */
X(raw_adopt_greets_and_echoes_in_rx)
X(raw_adopt_refused_by_callback)
X(raw_adopt_file_refused_by_callback)
X(custom_load_1000_echo_delay_destroy)
