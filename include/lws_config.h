/*
 * rwsloop: the one fixed build configuration.
 *
 * lws decides which struct members, header tokens and log macros exist from
 * the macros in its lws_config.h, and so do the programs written for it.
 * rwsloop has a single configuration: Debian trixie's build of lws 4.3.5.
 * Struct layouts and WSI_TOKEN_* numbers follow that build whatever is
 * defined here (they are generated and checked against it); the macros
 * below tell application code which optional paths it may compile.
 *
 * Deliberate differences from Debian's file are collected at the end.
 */
#ifndef RWSLOOP_LWS_CONFIG_H
#define RWSLOOP_LWS_CONFIG_H

/* Applications built without NDEBUG get every lwsl_* level, as with lws. */
#ifndef NDEBUG
#ifndef _DEBUG
#define _DEBUG
#endif
#endif

#define LWS_INSTALL_DATADIR "/usr/share"
#define LWS_INSTALL_LIBDIR "/usr/lib/x86_64-linux-gnu"
#define LWS_LIBRARY_VERSION_MAJOR 4
#define LWS_LIBRARY_VERSION_MINOR 3
#define LWS_LIBRARY_VERSION_PATCH 5
#define LWS_LIBRARY_VERSION_PATCH_ELABORATED 5-unknown
#define LWS_LIBRARY_VERSION "4.3.5-unknown"
/* Left unbracketed on purpose: Debian's expands the same way. */
#define LWS_LIBRARY_VERSION_NUMBER (LWS_LIBRARY_VERSION_MAJOR * 1000000) + (LWS_LIBRARY_VERSION_MINOR * 1000) + LWS_LIBRARY_VERSION_PATCH

/* One service thread per context (programs test `#if LWS_MAX_SMP > 1`). */
#define LWS_MAX_SMP 1

/* A plugin header value; lws does not check it for event_lib_custom. */
#define LWS_BUILD_HASH "unknown"

/* Platform and C library facts (glibc, Linux). */
#define LWS_PLAT_UNIX
#define LWS_HAS_INTPTR_T
#define LWS_HAS_GETOPT_LONG
#define LWS_HAVE_ATOLL
#define LWS_HAVE_CLOCK_GETTIME
#define LWS_HAVE_EXECVPE
#define LWS_HAVE_LOCALTIME_R
#define LWS_HAVE_GMTIME_R
#define LWS_HAVE_CTIME_R
#define LWS_HAVE_GETGRGID_R
#define LWS_HAVE_GETGRNAM_R
#define LWS_HAVE_GETPWUID_R
#define LWS_HAVE_GETPWNAM_R
#define LWS_HAVE_MALLOC_H
#define LWS_HAVE_MALLOC_TRIM
#define LWS_HAVE_MALLOC_USABLE_SIZE
#define LWS_HAVE_PIPE2
#define LWS_HAVE_EVENTFD
#define LWS_HAVE_PTHREAD_H
#define LWS_HAVE_STDINT_H
#define LWS_HAVE_SUSECONDS_T
#define LWS_HAVE_TIMEGM
#define LWS_HAVE_VFORK
#define LWS_HAVE_RTA_PREF

/*
 * libcap: Debian's lws has it, and then `info.caps` is a cap_value_t array
 * from <sys/capability.h>. We only claim it when that header is there, so
 * programs that set info.caps still compile; the member exists either way.
 */
#if defined(__has_include)
#if __has_include(<sys/capability.h>)
#define LWS_HAVE_SYS_CAPABILITY_H
#define LWS_HAVE_LIBCAP
#endif
#endif

/* libuv: programs pick the version header by these. */
#define LWS_HAVE_NEW_UV_VERSION_H

/* TLS, as Debian builds it (OpenSSL). The TLS members of the structs are
 * present whatever this says; this tells programs they may use them. */
#define LWS_WITH_TLS
#define LWS_OPENSSL_SUPPORT
#define LWS_OPENSSL_CLIENT_CERTS "../share"
#define LWS_SSL_CLIENT_USE_OS_CA_CERTS
#define LWS_WITH_TLS_SESSIONS
#define LWS_HAVE_BN_bn2binpad
#define LWS_HAVE_EC_POINT_get_affine_coordinates
#define LWS_HAVE_EC_KEY_new_by_curve_name
#define LWS_HAVE_ECDSA_SIG_set0
#define LWS_HAVE_EVP_MD_CTX_free
#define LWS_HAVE_EVP_aes_128_wrap
#define LWS_HAVE_EVP_aes_128_cfb8
#define LWS_HAVE_EVP_aes_128_cfb128
#define LWS_HAVE_EVP_aes_192_cfb8
#define LWS_HAVE_EVP_aes_192_cfb128
#define LWS_HAVE_EVP_aes_256_cfb8
#define LWS_HAVE_EVP_aes_256_cfb128
#define LWS_HAVE_EVP_aes_128_ofb
#define LWS_HAVE_EVP_aes_128_xts
#define LWS_HAVE_EVP_aes_128_ctr
#define LWS_HAVE_EVP_aes_128_ecb
#define LWS_HAVE_EVP_PKEY_new_raw_private_key
#define LWS_HAVE_HMAC_CTX_new
#define LWS_HAVE_OPENSSL_ECDH_H
#define LWS_HAVE_OPENSSL_STACK
#define LWS_HAVE_RSA_SET0_KEY
#define LWS_HAVE_SSL_CTX_get0_certificate
#define LWS_HAVE_SSL_CTX_set1_param
#define LWS_HAVE_SSL_EXTRA_CHAIN_CERTS
#define LWS_HAVE_SSL_get0_alpn_selected
#define LWS_HAVE_SSL_set_alpn_protos
#define LWS_HAVE_SSL_SET_INFO_CALLBACK
#define LWS_HAVE_SSL_SESSION_set_time
#define LWS_HAVE_TLS_CLIENT_METHOD
#define LWS_HAVE_TLSV1_2_CLIENT_METHOD
#define LWS_HAVE_X509_get_key_usage
#define LWS_HAVE_X509_VERIFY_PARAM_set1_host

/* Roles. */
#define LWS_ROLE_H1
#define LWS_ROLE_H2
#define LWS_ROLE_RAW
#define LWS_ROLE_RAW_FILE
#define LWS_ROLE_WS

/* Features. */
#define LWS_WITH_NETWORK
#define LWS_WITH_CLIENT
#define LWS_WITH_SERVER
#define LWS_WITH_POLL
#define LWS_WITH_EXTERNAL_POLL
#define LWS_WITH_UDP
#define LWS_WITH_IPV6
#define LWS_WITH_UNIX_SOCK
#define LWS_WITH_HTTP_UNCOMMON_HEADERS
#define LWS_WITH_CACHE_NSCOOKIEJAR
#define LWS_CLIENT_HTTP_PROXYING
#define LWS_LOG_TAG_LIFECYCLE
#define LWS_LOGS_TIMESTAMP
#define LWS_SUPPRESS_DEPRECATED_API_WARNINGS

/* Event libraries: the same set as Debian's build, loaded the same way. */
#define LWS_WITH_EVENT_LIBS
#define LWS_WITH_EVLIB_PLUGINS
#define LWS_WITH_PLUGINS_API
#define LWS_WITH_LIBUV
#define LWS_WITH_LIBEV
#define LWS_WITH_GLIB
#define LWS_HAVE_EVBACKEND_LINUXAIO
#define LWS_HAVE_EVBACKEND_IOURING

/* No compile-time log filtering beyond the _DEBUG rule. */
#define LWS_LOGGING_BITFIELD_SET 0
#define LWS_LOGGING_BITFIELD_CLEAR 0

/*
 * Defined by Debian, left undefined here because each one tells programs
 * to use an API this library does not declare, and such programs would
 * then fail to compile instead of taking their fallback path:
 *   LWS_WITH_CONMON            lws_conmon_* and struct lws_conmon
 *   LWS_WITH_HTTP2             h2-only calls (lws_h2_client_stream_*)
 *   LWS_WITH_HTTP_BASIC_AUTH   lws_http_basic_auth_gen()
 *   LWS_WITH_CUSTOM_HEADERS    lws_hdr_custom_*()
 *   LWS_WITH_SYS_SMD           lws_smd_*()
 *   LWS_WITH_SYS_STATE         lws_state_*() (the types are declared)
 *   LWS_WITH_FILE_OPS          lws_get_fops(), lws_vfs_*()
 *   LWS_WITH_LEJP, LWS_WITH_CBOR_FLOAT, LWS_WITH_LWSAC, LWS_WITH_DIR,
 *   LWS_WITH_NETLINK           parsers, allocators and helpers not provided
 * The struct members these switch on in Debian's build (for example the
 * SMD members of lws_context_creation_info) are still there.
 */

#endif /* RWSLOOP_LWS_CONFIG_H */
