//! Collection must never spawn a process. The parent test re-runs this test
//! binary as a child with `PATH` pointing at poisoned `sh`, `cat`, `grep`, ...
//! scripts that leave a marker file when run; on Linux x86_64/aarch64 the child
//! additionally installs a seccomp filter that kills it on any process creation
//! or `execve`, which also catches absolute-path spawns such as `/bin/sh`.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;

const MARKER_ENV: &str = "OPENLEX_DEVICE_TEST_MARKER";
const MODE_ENV: &str = "OPENLEX_DEVICE_TEST_CHILD";
const CANARY_UNSUPPORTED: i32 = 77;

const POISONED: &[&str] = &[
    "sh",
    "bash",
    "dash",
    "cat",
    "grep",
    "awk",
    "sed",
    "head",
    "cut",
    "tr",
    "ls",
    "uname",
    "hostname",
    "id",
    "whoami",
    "lscpu",
    "dmidecode",
    "ip",
    "ifconfig",
    "udevadm",
    "blkid",
    "lsblk",
    "ioreg",
    "sysctl",
    "system_profiler",
    "systemd-detect-virt",
    "getent",
    "readlink",
];

fn poisoned_bin(dir: &Path, marker: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for name in POISONED {
        let p = dir.join(name);
        std::fs::write(
            &p,
            format!("#!/bin/sh\necho {name} >> '{}'\n", marker.display()),
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Installs a seccomp filter that kills this process on any attempt to create a
/// process or exec (fork, vfork, clone without CLONE_THREAD, execve, execveat);
/// clone3 gets ENOSYS so libc falls back to the inspectable clone. Threads stay allowed.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
fn forbid_exec() -> bool {
    #[repr(C)]
    struct SockFilter {
        code: u16,
        jt: u8,
        jf: u8,
        k: u32,
    }
    #[repr(C)]
    struct SockFprog {
        len: u16,
        filter: *const SockFilter,
    }
    // [clone, fork, vfork, execve, execveat, clone3]; aarch64 has no fork/vfork.
    #[cfg(target_arch = "x86_64")]
    const ARCH: u32 = 0xC000_003E;
    #[cfg(target_arch = "x86_64")]
    const NR: [u32; 6] = [56, 57, 58, 59, 322, 435];
    #[cfg(target_arch = "aarch64")]
    const ARCH: u32 = 0xC000_00B7;
    #[cfg(target_arch = "aarch64")]
    const NR: [u32; 6] = [220, u32::MAX, u32::MAX, 221, 281, 435];
    const LD_ABS_W: u16 = 0x20;
    const JEQ_K: u16 = 0x15;
    const JSET_K: u16 = 0x45;
    const RET_K: u16 = 0x06;
    const ALLOW: u32 = 0x7fff_0000;
    const KILL_PROCESS: u32 = 0x8000_0000;
    const ERRNO_ENOSYS: u32 = 0x0005_0000 | 38;
    const CLONE_THREAD: u32 = 0x0001_0000;
    let f = |code, jt, jf, k| SockFilter { code, jt, jf, k };
    let prog = [
        f(LD_ABS_W, 0, 0, 4),          // 0: arch
        f(JEQ_K, 0, 9, ARCH),          // 1: foreign arch -> allow
        f(LD_ABS_W, 0, 0, 0),          // 2: syscall nr
        f(JEQ_K, 9, 0, NR[5]),         // 3: clone3 -> ENOSYS
        f(JEQ_K, 7, 0, NR[1]),         // 4: fork -> kill
        f(JEQ_K, 6, 0, NR[2]),         // 5: vfork -> kill
        f(JEQ_K, 5, 0, NR[3]),         // 6: execve -> kill
        f(JEQ_K, 4, 0, NR[4]),         // 7: execveat -> kill
        f(JEQ_K, 0, 2, NR[0]),         // 8: clone? else allow
        f(LD_ABS_W, 0, 0, 16),         // 9: clone flags (args[0], low word)
        f(JSET_K, 0, 1, CLONE_THREAD), // 10: thread -> allow, process -> kill
        f(RET_K, 0, 0, ALLOW),         // 11
        f(RET_K, 0, 0, KILL_PROCESS),  // 12
        f(RET_K, 0, 0, ERRNO_ENOSYS),  // 13
    ];
    let fprog = SockFprog {
        len: prog.len() as u16,
        filter: prog.as_ptr(),
    };
    // SAFETY: plain prctl calls; `fprog` points at a valid BPF program that outlives the call
    // (the kernel copies it). The filter only affects this (child) test process.
    unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            && libc::prctl(libc::PR_SET_SECCOMP, 2, &fprog as *const SockFprog) == 0
    }
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
fn forbid_exec() -> bool {
    false
}

/// Child side: collect (fresh and cached) and fingerprint under the poisoned PATH.
#[test]
fn child_entry() {
    match std::env::var(MODE_ENV).as_deref() {
        Ok("collect") => {
            // Without seccomp (unsupported sandbox) the poisoned PATH still checks.
            let _ = forbid_exec();
            let info = openlex_device::collect();
            let fp = openlex_device::fingerprint("a1b2c3d4-0000-0000-0000-000000000000", &info);
            assert!(!fp.is_empty());
            let _ = openlex_device::device_info();
            let _ = openlex_device::container::detect();
            let _ = openlex_device::vm::detect_in(Path::new("/"));
        }
        Ok("canary") => {
            if !forbid_exec() {
                std::process::exit(CANARY_UNSUPPORTED);
            }
            // Must not survive: proves the seccomp guard is effective.
            let _ = Command::new("/bin/true").status();
        }
        _ => {}
    }
}

fn run_child(mode: &str, bin: &Path, marker: &Path) -> std::process::ExitStatus {
    Command::new(std::env::current_exe().unwrap())
        .args(["child_entry", "--exact", "--nocapture", "--test-threads=1"])
        .env("PATH", bin)
        .env(MODE_ENV, mode)
        .env(MARKER_ENV, marker)
        .status()
        .unwrap()
}

#[test]
fn collection_spawns_no_subprocess() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let marker = dir.path().join("spawned");
    poisoned_bin(&bin, &marker);

    // Sanity: the poison works when something does go through PATH.
    let st = Command::new("cat")
        .env_clear()
        .env("PATH", &bin)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(marker.exists(), "poisoned cat must leave the marker");
    std::fs::remove_file(&marker).unwrap();

    let st = run_child("collect", &bin, &marker);
    assert!(
        st.success(),
        "child failed (killed by the exec guard?): {st:?}"
    );
    let spawned = std::fs::read_to_string(&marker).unwrap_or_default();
    assert!(!marker.exists(), "collect() spawned: {spawned}");

    if cfg!(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )) {
        let st = run_child("canary", &bin, &marker);
        if st.code() == Some(CANARY_UNSUPPORTED) {
            eprintln!("seccomp unavailable here; only the poisoned PATH was checked");
        } else {
            assert!(!st.success(), "the seccomp exec guard did not stop a spawn");
        }
    }
}
