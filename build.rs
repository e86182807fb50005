//! Compiles the C shim for lws's variadic functions (stable Rust cannot
//! define C-variadic functions) and applies our export list to the cdylib.

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    cc::Build::new()
        .file("src/c/variadic.c")
        .warnings(true)
        .extra_warnings(true)
        // Nothing in Rust calls these, so without whole-archive the linker
        // would drop them from the shared library.
        .link_lib_modifier("+whole-archive")
        .compile("rwsloop_variadic");
    println!("cargo:rerun-if-changed=src/c/variadic.c");
    println!("cargo:rerun-if-changed=rwsloop.map");
    println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={dir}/rwsloop.map");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,librwsloop.so.0");
}
