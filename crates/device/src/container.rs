//! Container detection (Linux), following systemd's `detect_container()` order
//! and extended for cgroup v2, where `/proc/self/cgroup` only shows `0::/`.
//!
//! WSL is not a container: inside WSL only explicit container markers count,
//! not the cgroup heuristics. All paths are read below an injectable `root`,
//! and the environment through an injectable lookup, so tests use fake trees.

use std::path::Path;

use crate::util::{exists, read_bounded, read_string, read_trimmed, under};

/// Upper bound for `/proc/self/mountinfo`, which can be long on busy hosts.
pub(crate) const MOUNTINFO_MAX: u64 = 1024 * 1024;

/// Live detection against `/` and the process environment.
pub fn detect() -> bool {
    detect_in(Path::new("/"), &|k| std::env::var(k).ok())
}

/// Detection under `root` with an environment lookup (the process's own pid
/// decides whether `$container` is trusted, as systemd does).
pub fn detect_in(root: &Path, env: &dyn Fn(&str) -> Option<String>) -> bool {
    detect_with(root, env, std::process::id() == 1, None)
}

/// Detection with every input explicit. `mountinfo` may pass an already read
/// `/proc/self/mountinfo` to avoid reading it twice.
pub fn detect_with(
    root: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    pid1: bool,
    mountinfo: Option<&str>,
) -> bool {
    let p = |abs: &str| under(root, abs);

    // Markers first, cheapest first (a stat or a failed open each); every one
    // alone means "container", so their order only changes the cost.
    // 1. OpenVZ / Virtuozzo.
    if exists(&p("/proc/vz")) && !exists(&p("/proc/bc")) {
        return true;
    }
    // 2. Manager-provided marker (systemd-nspawn, toolbox, podman).
    if read_trimmed(&p("/run/host/container-manager")).is_some() {
        return true;
    }
    // 3. `$container`: set by the manager for PID 1 only; otherwise systemd's copy.
    if pid1 && env("container").is_some_and(|v| !v.trim().is_empty()) {
        return true;
    }
    if read_trimmed(&p("/run/systemd/container")).is_some() {
        return true;
    }
    // 4. Files left by engines: podman, then docker.
    if exists(&p("/run/.containerenv")) || exists(&p("/.dockerenv")) {
        return true;
    }
    // 5. Kubernetes.
    if env("KUBERNETES_SERVICE_HOST").is_some_and(|v| !v.is_empty())
        || exists(&p("/var/run/secrets/kubernetes.io/serviceaccount"))
    {
        return true;
    }
    if !pid1 {
        // Usually needs ptrace rights on PID 1; used when readable.
        if let Some(e) = read_bounded(&p("/proc/1/environ"), 64 * 1024) {
            if e.split(|b| *b == 0)
                .any(|kv| kv.starts_with(b"container=") && kv.len() > b"container=".len())
            {
                return true;
            }
        }
    }
    // 6. proot (its `/proc/self/status` costs tens of microseconds to generate).
    if traced_by_proot(root) {
        return true;
    }
    // Mount and cgroup paths naming a container runtime. Generating mountinfo
    // costs tens of microseconds, so on the live system it is read only when an
    // engine-managed file looks bind-mounted.
    let owned;
    let mi = match mountinfo {
        Some(m) => Some(m),
        None if root != Path::new("/") || bind_mount_suspected(root) => {
            owned = read_bounded(&p("/proc/self/mountinfo"), MOUNTINFO_MAX)
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            owned.as_deref()
        }
        None => None,
    };
    if mi.is_some_and(mountinfo_says_container) {
        return true;
    }
    if read_string(&p("/proc/self/cgroup")).is_some_and(|c| cgroup_says_container(&c)) {
        return true;
    }
    // WSL is a VM-backed Linux, not a container: only the explicit markers
    // above count there, not the cgroup heuristic below.
    if is_wsl(root) {
        return false;
    }
    // 7. cgroup namespace heuristic.
    let cg = p("/sys/fs/cgroup");
    if exists(&cg.join("cgroup.events")) {
        // v2: a non-root cgroup (it has cgroup.type) seen as the root of our namespace.
        // Kernels without cgroup.type on the root: cgroup.events plus no cgroup features file.
        return exists(&cg.join("cgroup.type")) || !exists(&p("/sys/kernel/cgroup/features"));
    }
    // v1: the named systemd hierarchy lacks `release_agent` outside its real root.
    let sd = cg.join("systemd");
    exists(&sd.join("cgroup.procs")) && !exists(&sd.join("release_agent"))
}

/// Files container engines bind-mount into the container from their own state
/// directories.
const BIND_TARGETS: &[&str] = &[
    "/etc/hostname",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/dev/termination-log",
    "/run/.containerenv",
];

/// Whether one of [`BIND_TARGETS`] lives on another filesystem than its
/// directory, the mark of a bind mount (a host's own `/etc/hostname` shares
/// `/etc`'s device; a symlink such as systemd-resolved's `resolv.conf` is not
/// followed). Same-filesystem binds go unseen here; the engines' marker files
/// and the cgroup checks cover those containers.
fn bind_mount_suspected(root: &Path) -> bool {
    BIND_TARGETS.iter().any(|t| on_other_fs(&under(root, t)))
}

/// Whether `path` (not followed) is on another device than its parent directory.
#[cfg(unix)]
pub(crate) fn on_other_fs(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(m), Some(dir)) = (std::fs::symlink_metadata(path), path.parent()) else {
        return false;
    };
    std::fs::metadata(dir).is_ok_and(|d| d.dev() != m.dev())
}

/// Without device numbers every existing path counts as possibly mounted.
#[cfg(not(unix))]
pub(crate) fn on_other_fs(path: &Path) -> bool {
    exists(path)
}

/// Container runtimes' paths in `/proc/self/mountinfo`. Only the *root* field of
/// the engine-provided bind mounts (`/etc/hostname`, `/etc/hosts`, ...) and of
/// cgroup mounts is considered: on the host, the same paths appear as mount
/// points, which must not count.
pub fn mountinfo_says_container(mountinfo: &str) -> bool {
    const PATHS: &[&str] = &[
        "/docker/containers/",
        "/containerd/io.containerd.",
        "/io.containerd.grpc.v1.cri/",
        "/kubelet/pods/",
        "/overlay-containers/",
        "/lxc/",
        "/libpod",
        "/kubepods",
        "/docker/",
        "/docker-",
        "/crio-",
        "/lxc.payload",
    ];
    for line in mountinfo.lines() {
        let mut parts = line.split(" - ");
        let (Some(pre), Some(post)) = (parts.next(), parts.next()) else {
            continue;
        };
        let f: Vec<&str> = pre.split(' ').collect();
        let (Some(root_field), Some(mount_point)) = (f.get(3), f.get(4)) else {
            continue;
        };
        let fstype = post.split(' ').next().unwrap_or("");
        let relevant =
            BIND_TARGETS.contains(mount_point) || fstype == "cgroup" || fstype == "cgroup2";
        if relevant && *root_field != "/" && PATHS.iter().any(|pat| root_field.contains(pat)) {
            return true;
        }
    }
    false
}

/// cgroup v1 paths in `/proc/self/cgroup` naming a container runtime (v2's `0::/`
/// inside a namespace says nothing).
pub fn cgroup_says_container(cgroup: &str) -> bool {
    const PATHS: &[&str] = &[
        "/docker/",
        "/docker-",
        "/kubepods",
        "/lxc/",
        "/lxc.payload",
        "/containerd/",
        "/libpod",
        "/crio-",
        "/machine.slice/libpod",
    ];
    cgroup
        .lines()
        .filter_map(|l| l.splitn(3, ':').nth(2))
        .any(|path| PATHS.iter().any(|pat| path.contains(pat)))
}

/// WSL's kernel names itself in its release string. The live system answers
/// through `uname(2)`; `/proc/sys/kernel/osrelease` (slow to read) only for
/// trees below another root.
fn is_wsl(root: &Path) -> bool {
    kernel_release_in(root).is_some_and(|r| r.contains("Microsoft") || r.contains("WSL"))
}

fn kernel_release_in(root: &Path) -> Option<String> {
    #[cfg(unix)]
    if root == Path::new("/") {
        return crate::unix::kernel_release();
    }
    read_string(&under(root, "/proc/sys/kernel/osrelease"))
}

/// Whether `TracerPid` in `/proc/self/status` belongs to a process named `proot`.
fn traced_by_proot(root: &Path) -> bool {
    let Some(status) = read_string(&under(root, "/proc/self/status")) else {
        return false;
    };
    let Some(pid) = status
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))
        .map(str::trim)
    else {
        return false;
    };
    if pid == "0" || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    read_trimmed(&under(root, &format!("/proc/{pid}/comm"))).is_some_and(|c| c == "proot")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn write(root: &Path, rel: &str, content: &str) {
        let p = root.join(rel.trim_start_matches('/'));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }

    const HOST_MOUNTINFO: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 259:2 / / rw,relatime - ext4 /dev/nvme0n1p2 rw
31 27 0:28 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate
120 27 0:50 / /var/lib/docker/containers/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/mounts/shm rw - tmpfs shm rw
121 27 0:51 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X
";

    fn host_tree() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "/proc/self/mountinfo", HOST_MOUNTINFO);
        write(
            t.path(),
            "/proc/self/cgroup",
            "0::/user.slice/user-1000.slice/session-2.scope\n",
        );
        write(t.path(), "/proc/self/status", "Name:\tx\nTracerPid:\t0\n");
        write(t.path(), "/proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
        // cgroup v2 host root: no cgroup.events/cgroup.type at the root.
        write(
            t.path(),
            "/sys/fs/cgroup/cgroup.controllers",
            "cpu io memory\n",
        );
        write(t.path(), "/sys/kernel/cgroup/features", "nsdelegate\n");
        t
    }

    #[test]
    fn plain_host_is_not_a_container() {
        let t = host_tree();
        assert!(!detect_with(t.path(), &no_env, false, None));
        // `$container` is ignored unless we are PID 1.
        let env = |k: &str| (k == "container").then(|| "docker".to_string());
        assert!(!detect_with(t.path(), &env, false, None));
        assert!(detect_with(t.path(), &env, true, None));
    }

    #[test]
    fn docker_on_cgroup_v2_via_mountinfo() {
        let t = host_tree();
        let id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        write(
            t.path(),
            "/proc/self/mountinfo",
            &format!(
                "500 400 0:60 / / rw - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A\n\
                 510 500 259:2 /var/lib/docker/containers/{id}/resolv.conf /etc/resolv.conf rw - ext4 /dev/nvme0n1p2 rw\n\
                 511 500 259:2 /var/lib/docker/containers/{id}/hostname /etc/hostname rw - ext4 /dev/nvme0n1p2 rw\n"
            ),
        );
        write(t.path(), "/proc/self/cgroup", "0::/\n");
        assert!(detect_with(t.path(), &no_env, false, None));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn mount_points_are_told_from_plain_files() {
        assert!(
            on_other_fs(Path::new("/proc")),
            "procfs is its own filesystem"
        );
        assert!(!on_other_fs(Path::new("/proc/self/status")));
        assert!(!on_other_fs(Path::new("/no/such/path")));
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "/etc/hostname", "box\n");
        assert!(!bind_mount_suspected(t.path()));
    }

    #[test]
    fn cgroup_v2_namespace_heuristic() {
        let t = host_tree();
        write(
            t.path(),
            "/sys/fs/cgroup/cgroup.events",
            "populated 1\nfrozen 0\n",
        );
        assert!(
            !detect_with(t.path(), &no_env, false, None),
            "events without type: still the root on new kernels"
        );
        write(t.path(), "/sys/fs/cgroup/cgroup.type", "domain\n");
        assert!(detect_with(t.path(), &no_env, false, None));
    }

    #[test]
    fn podman_containerenv_and_dockerenv() {
        let t = host_tree();
        write(t.path(), "/run/.containerenv", "engine=\"podman-4.9\"\n");
        assert!(detect_with(t.path(), &no_env, false, None));
        let t = host_tree();
        write(t.path(), "/.dockerenv", "");
        assert!(detect_with(t.path(), &no_env, false, None));
    }

    #[test]
    fn kubernetes() {
        let t = host_tree();
        let env = |k: &str| (k == "KUBERNETES_SERVICE_HOST").then(|| "10.96.0.1".to_string());
        assert!(detect_with(t.path(), &env, false, None));
        assert!(!detect_with(t.path(), &no_env, false, None));
        fs::create_dir_all(
            t.path()
                .join("var/run/secrets/kubernetes.io/serviceaccount"),
        )
        .unwrap();
        assert!(detect_with(t.path(), &no_env, false, None));
    }

    #[test]
    fn cgroup_v1_strings_openvz_nspawn_proot() {
        let t = host_tree();
        write(
            t.path(),
            "/proc/self/cgroup",
            "12:memory:/docker/0123abcd\n11:cpu:/docker/0123abcd\n",
        );
        assert!(detect_with(t.path(), &no_env, false, None));
        let t = host_tree();
        write(
            t.path(),
            "/proc/self/cgroup",
            "4:memory:/kubepods/burstable/pod1/abc\n",
        );
        assert!(detect_with(t.path(), &no_env, false, None));
        let t = host_tree();
        write(
            t.path(),
            "/proc/self/cgroup",
            "1:name=systemd:/system.slice/docker.service\n",
        );
        assert!(
            !detect_with(t.path(), &no_env, false, None),
            "dockerd itself is on the host"
        );

        let t = host_tree();
        fs::create_dir_all(t.path().join("proc/vz")).unwrap();
        assert!(detect_with(t.path(), &no_env, false, None));
        fs::create_dir_all(t.path().join("proc/bc")).unwrap();
        assert!(
            !detect_with(t.path(), &no_env, false, None),
            "OpenVZ host node"
        );

        let t = host_tree();
        write(t.path(), "/run/systemd/container", "systemd-nspawn\n");
        assert!(detect_with(t.path(), &no_env, false, None));

        let t = host_tree();
        write(t.path(), "/proc/self/status", "Name:\tx\nTracerPid:\t42\n");
        write(t.path(), "/proc/42/comm", "proot\n");
        assert!(detect_with(t.path(), &no_env, false, None));
    }

    #[test]
    fn wsl_is_not_a_container() {
        let t = host_tree();
        write(
            t.path(),
            "/proc/sys/kernel/osrelease",
            "5.15.146.1-microsoft-standard-WSL2\n",
        );
        write(t.path(), "/sys/fs/cgroup/cgroup.events", "populated 1\n");
        write(t.path(), "/sys/fs/cgroup/cgroup.type", "domain\n");
        assert!(!detect_with(t.path(), &no_env, false, None));
        // Docker inside WSL2 still is one.
        write(t.path(), "/.dockerenv", "");
        assert!(detect_with(t.path(), &no_env, false, None));
    }

    #[test]
    fn live_detection_agrees_with_the_markers() {
        let live = detect();
        assert_eq!(live, detect(), "deterministic");
        // The runtimes' own marker files decide alone.
        if Path::new("/.dockerenv").exists() || Path::new("/run/.containerenv").exists() {
            assert!(live, "a container runtime's marker file is present");
        }
        // Nothing to read and no environment: not a container.
        assert!(!detect_in(Path::new("/nonexistent-root"), &no_env));
    }
}
