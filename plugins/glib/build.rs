//! Links the plugin against glib (found by pkg-config: glib-2.0) and
//! against rwsloop's build tree ($RWSLOOP_LIB_DIR, default
//! ../../target/release, where `make lib` puts librwsloop.so).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=RWSLOOP_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    pkg_config("glib-2.0", "libglib2.0-dev");
    link_rwsloop();
}

/// Emit the link flags `pkg-config --libs <pkg>` gives, or stop with a
/// clear message.
fn pkg_config(pkg: &str, debian: &str) {
    let out = Command::new("pkg-config").args(["--libs", pkg]).output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => panic!(
            "\n\nrwsloop plugin: pkg-config cannot find {pkg} ({}).\n\
             Install its development files (Debian: apt-get install {debian}).\n\n",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => panic!("\n\nrwsloop plugin: cannot run pkg-config ({e}): install pkg-config\n\n"),
    };
    for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={lib}");
        } else if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        }
    }
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
            "\n\nrwsloop plugin: {} has no librwsloop.so: run `make lib` first \
             (or set RWSLOOP_LIB_DIR)\n\n",
            dir.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=rwsloop");
}
