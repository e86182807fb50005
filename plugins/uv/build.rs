//! Links the plugin against the system libuv (found by pkg-config, so the
//! plugin uses the very libuv the application's `uv_loop_t` comes from) and
//! against librwsloop.so (the plugin drives the loop through the public lws
//! API; NEEDED librwsloop.so.0 resolves to the instance already loaded).
//!
//! Where librwsloop.so is: `$RWSLOOP_LIB_DIR`, else the tree's
//! target/release (`make lib` builds it).

use std::path::PathBuf;
use std::process::Command;

/// `-L`/`-l` flags for `package`, from pkg-config, as cargo directives.
fn pkg_config(package: &str, debian_package: &str) {
    let out = Command::new("pkg-config")
        .args(["--libs", package])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run pkg-config ({e}): install pkg-config and {debian_package}")
        });
    if !out.status.success() {
        panic!(
            "pkg-config does not know {package}: install its development files \
             (Debian: apt-get install {debian_package}). pkg-config said: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let flags = String::from_utf8(out.stdout).expect("pkg-config prints text");
    for flag in flags.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={lib}");
        }
    }
}

fn main() {
    pkg_config("libuv", "libuv1-dev");

    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let libdir = std::env::var_os("RWSLOOP_LIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../target/release"));
    if !libdir.join("librwsloop.so").exists() {
        panic!(
            "{} has no librwsloop.so: build the library first (make lib), or set RWSLOOP_LIB_DIR",
            libdir.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", libdir.display());
    println!("cargo:rustc-link-lib=dylib=rwsloop");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,librwsloop-evlib_uv.so");
    println!("cargo:rerun-if-env-changed=RWSLOOP_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-changed=build.rs");
}
