//! Foreign-loop backends (libuv, libevent, libev, glib, sd-event, uloop)
//! live in shared objects of their own, `librwsloop-evlib_<name>.so`, so
//! that librwsloop.so itself depends on none of those libraries. Each one
//! exports an `lws_plugin_evlib_t` called `evlib_<name>` — the same public
//! contract a program's custom event library uses — and is loaded only when
//! a context asks for it with an `LWS_SERVER_OPTION_*` bit.
//!
//! Where they are looked for: `$RWSLOOP_EVLIB_DIR`, then the directory
//! librwsloop.so itself was loaded from (installed side by side, as lws
//! installs its evlib plugins).

use crate::ffi::types::lws_plugin_evlib;
use std::ffi::{CStr, CString};
use std::os::raw::c_void;
use std::path::PathBuf;

/// The option bit of each backend and its plugin name.
pub const BACKENDS: [(u64, &str); 6] = [
    (1 << 10, "uv"),
    (1 << 21, "event"),
    (1 << 4, "ev"),
    (1 << 33, "glib"),
    (1 << 37, "sdevent"),
    (1 << 38, "uloop"),
];

/// The backend an options word asks for, if any (the first one listed
/// above wins when several bits are set, as lws checks them in turn).
pub fn requested(options: u64) -> Option<&'static str> {
    BACKENDS
        .iter()
        .find(|(bit, _)| options & bit != 0)
        .map(|(_, name)| *name)
}

/// Whether this code runs from librwsloop.so (rather than linked in from
/// librwsloop.a).
fn our_object_is_shared() -> bool {
    our_path().is_some_and(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("librwsloop.so"))
    })
}

fn our_directory() -> Option<PathBuf> {
    our_path().and_then(|p| p.parent().map(|d| d.to_path_buf()))
}

fn our_path() -> Option<PathBuf> {
    // SAFETY: dladdr on an address inside this library fills `info`.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        if libc::dladdr(requested as *const () as *const c_void, &mut info) == 0
            || info.dli_fname.is_null()
        {
            return None;
        }
        let path = PathBuf::from(
            CStr::from_ptr(info.dli_fname)
                .to_string_lossy()
                .into_owned(),
        );
        Some(path)
    }
}

/// Load backend `name`. The handle stays loaded for the process's life
/// (its callbacks may still be registered on the program's loop).
pub fn load(name: &str) -> Result<*const lws_plugin_evlib, String> {
    let file = format!("librwsloop-evlib_{name}.so");
    // A backend links librwsloop.so: loaded into a program linked with the
    // static library it would run against a second, separate copy.
    if !our_object_is_shared() {
        return Err(format!(
            "the {name} event-loop backend needs the shared librwsloop.so; this program is linked with librwsloop.a"
        ));
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("RWSLOOP_EVLIB_DIR") {
        dirs.push(PathBuf::from(d));
    }
    dirs.extend(our_directory());
    let mut tried = Vec::new();
    for dir in &dirs {
        let path = dir.join(&file);
        let c = CString::new(path.to_string_lossy().into_owned())
            .map_err(|_| "bad path".to_string())?;
        // SAFETY: dlopen of a path; the library stays loaded.
        let handle = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            // SAFETY: dlerror returns a C string or NULL.
            let why = unsafe { libc::dlerror() };
            let why = if why.is_null() {
                "not found".into()
            } else {
                unsafe { CStr::from_ptr(why) }
                    .to_string_lossy()
                    .into_owned()
            };
            tried.push(format!("{}: {why}", path.display()));
            continue;
        }
        let symbol = CString::new(format!("evlib_{name}")).map_err(|_| "bad name".to_string())?;
        // SAFETY: looking up a data symbol in the library we just opened.
        let plugin = unsafe { libc::dlsym(handle, symbol.as_ptr()) } as *const lws_plugin_evlib;
        if plugin.is_null() {
            return Err(format!("{} has no symbol evlib_{name}", path.display()));
        }
        return Ok(plugin);
    }
    Err(format!(
        "the {name} event-loop backend is not installed ({file} not found; tried {})",
        if tried.is_empty() {
            "nowhere".into()
        } else {
            tried.join("; ")
        }
    ))
}
