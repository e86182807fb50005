//! End-to-end tests of the exports, called as C would call them.

use super::context::*;
use super::service::*;
use super::sul::*;
use super::types::reason::*;
use super::types::*;
use super::vhost::*;
use std::cell::RefCell;
use std::os::raw::{c_int, c_void};
use std::ptr;

thread_local! {
    static TRACE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static DESTROY_ON: RefCell<Option<c_int>> = const { RefCell::new(None) };
}

fn trace() -> Vec<String> {
    TRACE.with(|t| std::mem::take(&mut *t.borrow_mut()))
}

unsafe extern "C" fn cb(
    wsi: *mut lws,
    reason: lws_callback_reasons,
    _u: *mut c_void,
    _i: *mut c_void,
    _l: usize,
) -> c_int {
    let p = unsafe { super::wsi::lws_get_protocol(wsi) };
    let name = if p.is_null() {
        "-".to_string()
    } else {
        unsafe { std::ffi::CStr::from_ptr((*p).name) }
            .to_string_lossy()
            .into_owned()
    };
    TRACE.with(|t| t.borrow_mut().push(format!("{name}:{}", reason.0)));
    if DESTROY_ON.with(|d| *d.borrow()) == Some(reason.0) {
        let cx = unsafe { super::wsi::lws_get_context(wsi) };
        unsafe { lws_context_destroy(cx) };
    }
    0
}

fn protocols() -> Box<[lws_protocols; 3]> {
    let p = |name: &'static std::ffi::CStr| lws_protocols {
        name: name.as_ptr(),
        callback: Some(cb),
        per_session_data_size: 0,
        rx_buffer_size: 0,
        id: 0,
        user: ptr::null_mut(),
        tx_packet_size: 0,
    };
    let mut end = p(c"");
    end.name = ptr::null();
    end.callback = None;
    Box::new([p(c"one"), p(c"two"), end])
}

fn create(prots: &[lws_protocols; 3]) -> *mut lws_context {
    let mut info: lws_context_creation_info = unsafe { std::mem::zeroed() };
    info.port = -1;
    info.protocols = prots.as_ptr();
    info.user = 0x1234 as *mut c_void;
    let cx = unsafe { lws_create_context(&info) };
    assert!(!cx.is_null());
    cx
}

#[test]
fn first_pass_then_destroy_matches_lws_order() {
    let prots = protocols();
    let cx = create(&prots);
    assert_eq!(unsafe { lws_context_user(cx) }, 0x1234 as *mut c_void);
    assert!(
        trace().is_empty(),
        "PROTOCOL_INIT waits for the first service pass"
    );
    assert_eq!(unsafe { lws_service(cx, 0) }, 0);
    let init = LWS_CALLBACK_PROTOCOL_INIT.0;
    let cancelled = LWS_CALLBACK_EVENT_WAIT_CANCELLED.0;
    let tid = LWS_CALLBACK_GET_THREAD_ID.0;
    assert_eq!(
        trace(),
        vec![
            format!("-:{tid}"),
            format!("one:{init}"),
            format!("two:{init}"),
            format!("one:{cancelled}"),
            format!("two:{cancelled}")
        ]
    );
    unsafe { lws_context_destroy(cx) };
    let destroy = LWS_CALLBACK_PROTOCOL_DESTROY.0;
    assert_eq!(
        trace(),
        vec![format!("one:{destroy}"), format!("two:{destroy}")]
    );
}

#[test]
fn destroy_inside_a_callback_is_finished_by_service() {
    let prots = protocols();
    let cx = create(&prots);
    DESTROY_ON.with(|d| *d.borrow_mut() = Some(LWS_CALLBACK_EVENT_WAIT_CANCELLED.0));
    assert_eq!(
        unsafe { lws_service(cx, 0) },
        -1,
        "the pass that destroyed the context returns -1"
    );
    DESTROY_ON.with(|d| *d.borrow_mut() = None);
    // As in lws, the broadcast that asked for the destroy still reaches
    // every protocol. Deliberate difference from lws 4.3.5: PROTOCOL_DESTROY
    // is still sent (4.3.5 skips it on this path, so protocols leak what
    // they free there; 4.1.6 sends it). See docs/COMPAT.md.
    let (c, d) = (
        LWS_CALLBACK_EVENT_WAIT_CANCELLED.0,
        LWS_CALLBACK_PROTOCOL_DESTROY.0,
    );
    let t = trace();
    assert_eq!(
        t[3..],
        [
            format!("one:{c}"),
            format!("two:{c}"),
            format!("one:{d}"),
            format!("two:{d}")
        ],
        "{t:?}"
    );
}

#[test]
fn other_threads_may_only_cancel() {
    let prots = protocols();
    let cx = create(&prots);
    let addr = cx as usize;
    let (user, vh) = std::thread::spawn(move || {
        let cx = addr as *mut lws_context;
        unsafe { lws_cancel_service(cx) };
        (unsafe { lws_context_user(cx) } as usize, unsafe {
            lws_get_vhost_by_name(cx, c"default".as_ptr())
        } as usize)
    })
    .join()
    .unwrap();
    assert_eq!((user, vh), (0, 0), "refused off the loop thread");
    assert!(!unsafe { lws_get_vhost_by_name(cx, c"default".as_ptr()) }.is_null());
    unsafe { lws_context_destroy(cx) };
    trace();
}

#[test]
fn cancel_from_a_thread_wakes_a_blocked_service() {
    let prots = protocols();
    let cx = create(&prots);
    unsafe { lws_service(cx, 0) };
    trace();
    let addr = cx as usize;
    let waker = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        unsafe { lws_cancel_service(addr as *mut lws_context) };
    });
    // Nothing is scheduled: without the cancel this pass would block forever.
    assert_eq!(unsafe { lws_service(cx, 0) }, 0);
    waker.join().unwrap();
    let c = LWS_CALLBACK_EVENT_WAIT_CANCELLED.0;
    assert_eq!(trace(), vec![format!("one:{c}"), format!("two:{c}")]);
    unsafe { lws_context_destroy(cx) };
    trace();
}

thread_local! {
    static FIRED_AT: RefCell<Vec<(i64, i64)>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn sul_fired(sul: *mut lws_sorted_usec_list_t) {
    let now = lws_now_usecs();
    // `us` is zeroed before the call; the test stored the due time in latency_us's neighbour
    let due = unsafe { (*sul).latency_us } as i64;
    FIRED_AT.with(|f| f.borrow_mut().push((due, now)));
}

#[test]
fn suls_fire_in_order_and_never_early() {
    let prots = protocols();
    let cx = create(&prots);
    let base = lws_now_usecs();
    let mut suls: Vec<Box<lws_sorted_usec_list_t>> = (0..5)
        .map(|_| Box::new(unsafe { std::mem::zeroed() }))
        .collect();
    for (i, delay) in [3000i64, 500, 2000, 800, 1500].iter().enumerate() {
        suls[i].latency_us = ((base + delay) - base) as u32; // delay, relative
        unsafe { lws_sul_schedule(cx, 0, &mut *suls[i], Some(sul_fired), *delay) };
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while FIRED_AT.with(|f| f.borrow().len()) < 5 && std::time::Instant::now() < deadline {
        assert_eq!(unsafe { lws_service(cx, 0) }, 0);
    }
    let fired = FIRED_AT.with(|f| std::mem::take(&mut *f.borrow_mut()));
    let delays: Vec<i64> = fired.iter().map(|(d, _)| *d).collect();
    assert_eq!(delays, vec![500, 800, 1500, 2000, 3000]);
    for (delay, at) in fired {
        assert!(at >= base + delay, "fired {}µs early", base + delay - at);
    }
    unsafe { lws_context_destroy(cx) };
    trace();
}

#[test]
fn null_arguments_fail_cleanly() {
    assert!(unsafe { lws_create_context(ptr::null()) }.is_null());
    assert_eq!(unsafe { lws_service(ptr::null_mut(), 0) }, 1);
    unsafe { lws_context_destroy(ptr::null_mut()) };
    unsafe { lws_cancel_service(ptr::null_mut()) };
    unsafe { lws_sul_cancel(ptr::null_mut()) };
    assert!(unsafe { lws_get_vhost_by_name(ptr::null_mut(), ptr::null()) }.is_null());
}

#[test]
fn listening_ports_are_refused_clearly_for_now() {
    let prots = protocols();
    let mut info: lws_context_creation_info = unsafe { std::mem::zeroed() };
    info.port = 7681;
    info.protocols = prots.as_ptr();
    assert!(unsafe { lws_create_context(&info) }.is_null());
}
