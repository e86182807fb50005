//! Builds the libev shim and links the plugin against libev and rwsloop.
//!
//! libev ships no pkg-config file: its header must be on the compiler's
//! include path (Debian: libev-dev) and it links as -lev. rwsloop is
//! linked from its build tree ($RWSLOOP_LIB_DIR, default ../../target/release,
//! where `make lib` puts librwsloop.so).

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/shim.c");
    println!("cargo:rerun-if-env-changed=RWSLOOP_LIB_DIR");

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
    link_rwsloop();
}

fn link_rwsloop() {
    let dir = std::env::var_os("RWSLOOP_LIB_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../target/release")
        });
    if !dir.join("librwsloop.so").exists() {
        panic!(
            "\n\nrwsloop-evlib-ev: {} has no librwsloop.so: run `make lib` first \
             (or set RWSLOOP_LIB_DIR)\n\n",
            dir.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=rwsloop");
}
