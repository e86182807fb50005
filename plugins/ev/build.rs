//! Builds the libev shim and links the plugin against libev and
//! librwsloop.so, and reads the creation info's layout from the header
//! (see ../common/build_support.rs).
//!
//! libev ships no pkg-config file: its header must be on the compiler's
//! include path (Debian: libev-dev) and it links as -lev.

#[path = "../common/build_support.rs"]
mod support;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/shim.c");
    if let Err(e) = cc::Build::new()
        .file("src/shim.c")
        .warnings(true)
        .extra_warnings(true)
        .flag_if_supported("-Werror")
        .try_compile("rwsloop_ev_shim")
    {
        panic!(
            "\n\nrwsloop-evlib-ev: cannot compile the libev shim ({e}).\n\
             Is libev's header installed? (Debian: apt-get install libev-dev)\n\n"
        );
    }
    println!("cargo:rustc-link-lib=dylib=ev");
    support::link_rwsloop();
    support::soname("librwsloop-evlib_ev.so");
    support::lws_info_layout();
}
