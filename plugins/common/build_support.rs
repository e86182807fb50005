//! What every plugin's build script does, shared as source
//! (`#[path = "../common/build_support.rs"] mod support;` in its build.rs):
//! link the loop library through pkg-config, link librwsloop.so from the
//! build tree, and learn where two members of `lws_context_creation_info`
//! sit, from the C compiler, so the guest can read them.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The plugin's crate directory.
fn manifest_dir() -> PathBuf {
    PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
}

/// Link what `pkg-config --libs <pkg>` names, or stop and say which Debian
/// package to install.
pub fn pkg_config(pkg: &str, debian: &str) {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let out = match Command::new("pkg-config").args(["--libs", pkg]).output() {
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

/// Link `-lrwsloop` from `$RWSLOOP_LIB_DIR`, else the tree's
/// target/release (where `make lib` puts it). The plugin's NEEDED
/// librwsloop.so.0 then resolves to the instance already loaded.
pub fn link_rwsloop() {
    println!("cargo:rerun-if-env-changed=RWSLOOP_LIB_DIR");
    let dir = std::env::var_os("RWSLOOP_LIB_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../target/release"));
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

/// Give the shared object the name rwsloop loads it by.
pub fn soname(file: &str) {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{file}");
}

/// Compile and run a small C program against the tree's
/// include/libwebsockets.h that prints `offsetof` of `options` and
/// `signal_cb` in `struct lws_context_creation_info`, and hand them to the
/// crate as `RWSLOOP_INFO_OPTIONS_AT` / `RWSLOOP_INFO_SIGNAL_CB_AT`
/// (read with `option_env!` in the guest). The program also checks the
/// members' sizes, so a header that changed their types stops the build.
pub fn lws_info_layout() {
    let include = manifest_dir().join("../../include");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let src = out.join("lws_info_layout.c");
    let exe = out.join("lws_info_layout");
    let program = r#"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libwebsockets.h>

typedef struct lws_context_creation_info info_t;
_Static_assert(sizeof(((info_t *)0)->options) == sizeof(uint64_t),
	       "options is a uint64_t");
_Static_assert(sizeof(((info_t *)0)->signal_cb) == sizeof(void (*)(void)),
	       "signal_cb is one function pointer");

int main(void)
{
	printf("%zu %zu\n", offsetof(info_t, options),
	       offsetof(info_t, signal_cb));
	return 0;
}
"#;
    std::fs::write(&src, program).expect("write to OUT_DIR");
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-changed={}", include.display());
    for h in ["libwebsockets.h", "rwsloop-generated.h", "lws-pre.h"] {
        println!("cargo:rerun-if-changed={}", include.join(h).display());
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .arg("-I")
        .arg(&include)
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .status()
        .unwrap_or_else(|e| {
            panic!("\n\nrwsloop plugin: cannot run the C compiler `{cc}` ({e})\n\n")
        });
    if !status.success() {
        panic!(
            "\n\nrwsloop plugin: cannot compile {} against {}\n\n",
            src.display(),
            include.display()
        );
    }
    let run = Command::new(&exe)
        .output()
        .unwrap_or_else(|e| panic!("\n\nrwsloop plugin: cannot run {} ({e})\n\n", exe.display()));
    let text = String::from_utf8_lossy(&run.stdout);
    let mut fields = text.split_whitespace().map(|f| {
        f.parse::<usize>()
            .unwrap_or_else(|_| panic!("rwsloop plugin: {} printed {text:?}", exe.display()))
    });
    let (Some(options), Some(signal_cb)) = (fields.next(), fields.next()) else {
        panic!("rwsloop plugin: {} printed {text:?}", exe.display());
    };
    println!("cargo:rustc-env=RWSLOOP_INFO_OPTIONS_AT={options}");
    println!("cargo:rustc-env=RWSLOOP_INFO_SIGNAL_CB_AT={signal_cb}");
}
