//! Checks the plugin's declarations of uloop's structs against libubox's
//! own header, then links the plugin against libubox and rwsloop.
//!
//! libubox is looked for in one prefix (`include/libubox/uloop.h`,
//! `lib/libubox.so`): $RWSLOOP_LIBUBOX_DIR, default ../../.tools/libubox,
//! where `make deps` (or `make libubox`) builds it. rwsloop is linked from
//! its build tree ($RWSLOOP_LIB_DIR, default ../../target/release, where
//! `make lib` puts librwsloop.so).

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/layout.c");
    println!("cargo:rerun-if-env-changed=RWSLOOP_LIBUBOX_DIR");
    println!("cargo:rerun-if-env-changed=RWSLOOP_LIB_DIR");
    let ubox = libubox_prefix();
    println!(
        "cargo:rerun-if-changed={}",
        ubox.join("include/libubox/uloop.h").display()
    );

    if let Err(e) = cc::Build::new()
        .file("src/layout.c")
        .include(ubox.join("include"))
        .warnings(true)
        .extra_warnings(true)
        .flag_if_supported("-Werror")
        .try_compile("rwsloop_uloop_layout")
    {
        panic!(
            "\n\nrwsloop-evlib-uloop: src/layout.c does not compile against {} ({e}).\n\
             Either the header is not libubox's uloop.h, or its structs changed and \
             src/lib.rs must follow.\n\n",
            ubox.join("include/libubox/uloop.h").display()
        );
    }
    println!(
        "cargo:rustc-link-search=native={}",
        ubox.join("lib").display()
    );
    println!("cargo:rustc-link-lib=dylib=ubox");
    link_rwsloop();
    // the name rwsloop loads it by
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,librwsloop-evlib_uloop.so");
}

fn from_manifest(rel: &str) -> PathBuf {
    PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join(rel)
}

/// The libubox prefix, or stop with what to run.
fn libubox_prefix() -> PathBuf {
    let dir = std::env::var_os("RWSLOOP_LIBUBOX_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| from_manifest("../../.tools/libubox"));
    for need in ["include/libubox/uloop.h", "lib/libubox.so"] {
        if !dir.join(need).exists() {
            panic!(
                "\n\nrwsloop-evlib-uloop: libubox is not built: {} is missing.\n\
                 Run `make deps` (or `make libubox`) in the rwsloop tree, or set \
                 RWSLOOP_LIBUBOX_DIR to a prefix with include/libubox/uloop.h and \
                 lib/libubox.so.\n\n",
                dir.join(need).display()
            );
        }
    }
    dir
}

fn link_rwsloop() {
    let dir = std::env::var_os("RWSLOOP_LIB_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| from_manifest("../../target/release"));
    if !dir.join("librwsloop.so").exists() {
        panic!(
            "\n\nrwsloop-evlib-uloop: {} has no librwsloop.so: run `make lib` first \
             (or set RWSLOOP_LIB_DIR)\n\n",
            dir.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=rwsloop");
}
