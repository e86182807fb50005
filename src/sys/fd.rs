//! Descriptor helpers.

use std::os::raw::c_int;

/// Put `fd` in non-blocking mode. Returns false if fcntl failed.
pub fn set_nonblocking(fd: c_int) -> bool {
    // SAFETY: fcntl on an arbitrary int is safe; a bad fd just fails.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) == 0
    }
}

/// The calling thread's kernel id, used to tell the service thread apart.
pub fn thread_id() -> i64 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::syscall(libc::SYS_gettid) }
}

/// The numeric address of a socket's peer ("127.0.0.1", "::1"), or
/// "(unix skt)" for a Unix-domain peer, as lws_get_peer_simple gives it.
pub fn peer_address(fd: c_int) -> Option<String> {
    // SAFETY: getpeername into zeroed storage of the right size.
    let ss = unsafe {
        let mut ss: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getpeername(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) != 0 {
            return None;
        }
        ss
    };
    match ss.ss_family as c_int {
        libc::AF_INET => {
            // SAFETY: the family says this is a sockaddr_in.
            let sin: &libc::sockaddr_in =
                unsafe { &*(&ss as *const _ as *const libc::sockaddr_in) };
            Some(std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)).to_string())
        }
        libc::AF_INET6 => {
            // SAFETY: the family says this is a sockaddr_in6.
            let sin6: &libc::sockaddr_in6 =
                unsafe { &*(&ss as *const _ as *const libc::sockaddr_in6) };
            Some(std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr).to_string())
        }
        // lws's wording for a peer on a Unix-domain socket.
        libc::AF_UNIX => Some("(unix skt)".to_string()),
        _ => None,
    }
}

/// This host's name, or "localhost" if it cannot be read.
pub fn hostname() -> std::ffi::CString {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    match ok {
        true => std::ffi::CString::new(&buf[..end]).unwrap_or_default(),
        false => c"localhost".to_owned(),
    }
}

/// The result of a non-blocking read or write call: the byte count, 0 when
/// the call would have blocked (or was interrupted), else the error.
pub fn nonblocking(n: isize) -> std::io::Result<usize> {
    if n >= 0 {
        return Ok(n as usize);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EINTR) => Ok(0),
        _ => Err(e),
    }
}
