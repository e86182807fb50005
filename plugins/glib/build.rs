//! Links the plugin against glib (pkg-config glib-2.0) and librwsloop.so,
//! and reads the creation info's layout from the header (see
//! ../common/build_support.rs).

#[path = "../common/build_support.rs"]
mod support;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    support::pkg_config("glib-2.0", "libglib2.0-dev");
    support::link_rwsloop();
    support::soname("librwsloop-evlib_glib.so");
    support::lws_info_layout();
}
