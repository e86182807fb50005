//! Sockets for listeners and outgoing connections: creation, binding,
//! address parsing. Non-blocking and close-on-exec from the start.

use std::ffi::CStr;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::os::raw::c_int;

/// What a listener binds to.
pub struct ListenSpec<'a> {
    /// IP literal, interface name, or (with `unix`) a socket path; None: any
    pub iface: Option<&'a CStr>,
    /// port, 0 for an ephemeral one
    pub port: u16,
    /// a Unix-domain socket; a path starting with '@' is abstract
    pub unix: bool,
    /// SO_REUSEPORT, so several listeners may share the port
    pub reuse_port: bool,
    /// bind IPv4 only when no address is given
    pub ipv4_only: bool,
}

fn last_err<T>() -> io::Result<T> {
    Err(io::Error::last_os_error())
}

fn new_socket(family: c_int, kind: c_int) -> io::Result<c_int> {
    // SAFETY: plain syscall.
    let fd = unsafe { libc::socket(family, kind | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return last_err();
    }
    Ok(fd)
}

fn set_int_opt(fd: c_int, level: c_int, name: c_int, value: c_int) {
    // SAFETY: a valid int option value of the right size.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&value as *const c_int).cast(),
            std::mem::size_of::<c_int>() as libc::socklen_t,
        )
    };
}

/// A socket address as the kernel wants it.
pub fn to_raw(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            let sin = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr.s_addr = u32::from(*a.ip()).to_be();
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_addr.s6_addr = a.ip().octets();
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

/// The first IPv4 (else IPv6) address of network interface `name`.
/// The addresses of network interface `name`: IPv4 first, then IPv6
/// (link-local IPv6 is left out: it cannot be bound without a scope).
fn interface_addresses(name: &str) -> Vec<IpAddr> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs allocates a list we free below.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Vec::new();
    }
    let (mut v4, mut v6) = (Vec::new(), Vec::new());
    let mut p = list;
    while !p.is_null() {
        // SAFETY: walking the kernel's list.
        let ifa = unsafe { &*p };
        p = ifa.ifa_next;
        // SAFETY: ifa_name is a C string.
        if ifa.ifa_addr.is_null()
            || unsafe { CStr::from_ptr(ifa.ifa_name) }.to_bytes() != name.as_bytes()
        {
            continue;
        }
        // SAFETY: the family tells the address type.
        match unsafe { (*ifa.ifa_addr).sa_family } as c_int {
            libc::AF_INET => {
                // SAFETY: as above.
                let sin = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in) };
                v4.push(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                    sin.sin_addr.s_addr,
                ))));
            }
            libc::AF_INET6 => {
                // SAFETY: as above.
                let sin6 = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in6) };
                let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                if ip.segments()[0] & 0xffc0 != 0xfe80 {
                    v6.push(IpAddr::V6(ip));
                }
            }
            _ => {}
        }
    }
    // SAFETY: the list from getifaddrs.
    unsafe { libc::freeifaddrs(list) };
    v4.extend(v6);
    v4
}

/// Where a listener binds: "any", an IP literal, or every address of a
/// named interface (lws opens one listener per address, on one port).
fn bind_addresses(spec: &ListenSpec) -> io::Result<Vec<IpAddr>> {
    let Some(iface) = spec.iface else {
        let any: IpAddr = if spec.ipv4_only {
            Ipv4Addr::UNSPECIFIED.into()
        } else {
            Ipv6Addr::UNSPECIFIED.into()
        };
        return Ok(vec![any]);
    };
    let text = iface
        .to_str()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "iface is not UTF-8"))?;
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let mut found = interface_addresses(text);
    if spec.ipv4_only {
        found.retain(|ip| ip.is_ipv4());
    }
    match found.is_empty() {
        true => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no interface or address called {text}"),
        )),
        false => Ok(found),
    }
}

fn unix_address(path: &CStr) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.to_bytes();
    if bytes.is_empty() || bytes.len() >= sun.sun_path.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "unix socket path is empty or too long",
        ));
    }
    for (i, b) in bytes.iter().enumerate() {
        sun.sun_path[i] = *b as libc::c_char;
    }
    let abstract_name = bytes[0] == b'@';
    if abstract_name {
        sun.sun_path[0] = 0;
    }
    let base = std::mem::size_of::<libc::sa_family_t>();
    let len = if abstract_name {
        base + bytes.len()
    } else {
        std::mem::size_of::<libc::sockaddr_un>()
    };
    Ok((sun, len as libc::socklen_t))
}

/// Open the listening sockets `spec` asks for (one per address; all on
/// the same port). Returns each with its port (0 for Unix).
pub fn listen(spec: &ListenSpec) -> io::Result<Vec<(c_int, u16)>> {
    if spec.unix {
        return listen_unix(spec).map(|fd| vec![(fd, 0)]);
    }
    let mut opened: Vec<(c_int, u16)> = Vec::new();
    for ip in bind_addresses(spec)? {
        // The first listener may get an ephemeral port; the rest share it.
        let port = opened.first().map_or(spec.port, |&(_, p)| p);
        match listen_ip(SocketAddr::new(ip, port), spec) {
            Ok(fd) => opened.push((fd, local_port(fd).unwrap_or(port))),
            Err(e) => {
                for (fd, _) in opened {
                    // SAFETY: descriptors we opened above.
                    unsafe { libc::close(fd) };
                }
                return Err(e);
            }
        }
    }
    Ok(opened)
}

fn listen_unix(spec: &ListenSpec) -> io::Result<c_int> {
    let path = spec.iface.ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "UNIX_SOCK needs iface = path")
    })?;
    let (sun, len) = unix_address(path)?;
    if path.to_bytes()[0] != b'@' {
        // A stale socket file from an earlier run would make bind fail.
        // SAFETY: a C string path.
        unsafe { libc::unlink(path.as_ptr()) };
    }
    let fd = new_socket(libc::AF_UNIX, libc::SOCK_STREAM)?;
    // SAFETY: a valid sockaddr_un of the given length.
    let sa = (&sun as *const libc::sockaddr_un).cast();
    bind_and_listen(fd, sa, len)
}

fn listen_ip(addr: SocketAddr, spec: &ListenSpec) -> io::Result<c_int> {
    let family = if addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    let fd = new_socket(family, libc::SOCK_STREAM)?;
    set_int_opt(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
    if spec.reuse_port {
        set_int_opt(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT, 1);
    }
    if family == libc::AF_INET6 {
        // "any" takes IPv4 too, as lws's default listener does; a specific
        // IPv6 address only itself.
        let v6only = spec.iface.is_some() as c_int;
        set_int_opt(fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, v6only);
    }
    let (ss, len) = to_raw(&addr);
    bind_and_listen(fd, (&ss as *const libc::sockaddr_storage).cast(), len)
}

/// Bind `fd` to `sa` and listen; the descriptor is closed on failure.
fn bind_and_listen(
    fd: c_int,
    sa: *const libc::sockaddr,
    len: libc::socklen_t,
) -> io::Result<c_int> {
    // SAFETY: the caller passes a valid address of the given length.
    let ok = unsafe { libc::bind(fd, sa, len) } == 0
        && unsafe { libc::listen(fd, libc::SOMAXCONN) } == 0;
    if !ok {
        let e = io::Error::last_os_error();
        // SAFETY: our fd.
        unsafe { libc::close(fd) };
        return Err(e);
    }
    Ok(fd)
}

/// The local port a socket is bound to.
pub fn local_port(fd: c_int) -> Option<u16> {
    // SAFETY: getsockname into zeroed storage of the right size.
    unsafe {
        let mut ss: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getsockname(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) != 0 {
            return None;
        }
        match ss.ss_family as c_int {
            libc::AF_INET => Some(u16::from_be(
                (*(&ss as *const _ as *const libc::sockaddr_in)).sin_port,
            )),
            libc::AF_INET6 => Some(u16::from_be(
                (*(&ss as *const _ as *const libc::sockaddr_in6)).sin6_port,
            )),
            _ => None,
        }
    }
}

/// Resolve `host:port` (numeric addresses without a lookup).
pub fn resolve(host: &str, port: u16) -> io::Result<SocketAddr> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address")))
}

/// Start a non-blocking connect. Ok((fd, None)) when it is under way (or
/// done), Ok((fd, Some(errno))) when it failed at once: the caller reports
/// that from the loop, as a connect failing later would be.
pub fn connect_start(
    addr: &SocketAddr,
    local: Option<IpAddr>,
) -> io::Result<(c_int, Option<c_int>)> {
    let family = if addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    let fd = new_socket(family, libc::SOCK_STREAM)?;
    if let Some(ip) = local {
        let (ss, len) = to_raw(&SocketAddr::new(ip, 0));
        // SAFETY: a valid address of the given length.
        if unsafe { libc::bind(fd, (&ss as *const libc::sockaddr_storage).cast(), len) } != 0 {
            let e = io::Error::last_os_error();
            // SAFETY: our fd.
            unsafe { libc::close(fd) };
            return Err(e);
        }
    }
    set_nodelay(fd);
    let (ss, len) = to_raw(addr);
    // SAFETY: a valid address of the given length.
    if unsafe { libc::connect(fd, (&ss as *const libc::sockaddr_storage).cast(), len) } == 0 {
        return Ok((fd, None));
    }
    let errno = io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO);
    Ok((fd, (errno != libc::EINPROGRESS).then_some(errno)))
}

/// The pending error of a socket (SO_ERROR), 0 for none.
pub fn take_error(fd: c_int) -> c_int {
    let mut err: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as libc::socklen_t;
    // SAFETY: an int out-parameter of the right size.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut err as *mut c_int).cast(),
            &mut len,
        )
    };
    if r != 0 {
        return io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO);
    }
    err
}

/// A non-blocking UDP socket for `addr`'s family, bound to it when `bind`,
/// else connected to it (a UDP "client" that sends there by default).
pub fn udp(addr: &SocketAddr, bind: bool, broadcast: bool) -> io::Result<c_int> {
    let family = if addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    let fd = new_socket(family, libc::SOCK_DGRAM)?;
    set_int_opt(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
    if broadcast {
        set_int_opt(fd, libc::SOL_SOCKET, libc::SO_BROADCAST, 1);
    }
    let (ss, len) = to_raw(addr);
    let sa = (&ss as *const libc::sockaddr_storage).cast();
    // SAFETY: a valid address of the given length.
    let ok = unsafe {
        if bind {
            libc::bind(fd, sa, len)
        } else {
            libc::connect(fd, sa, len)
        }
    } == 0;
    if !ok {
        let e = io::Error::last_os_error();
        // SAFETY: our fd.
        unsafe { libc::close(fd) };
        return Err(e);
    }
    Ok(fd)
}

/// Send small writes at once (no Nagle delay), as lws does for its TCP
/// connections; harmless on other socket types (the call just fails).
pub fn set_nodelay(fd: c_int) {
    set_int_opt(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, 1);
}
