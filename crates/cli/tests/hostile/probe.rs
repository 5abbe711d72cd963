//! What the hostile suite measures and arranges around a process: peak memory from
//! `/proc/<pid>/status`, a child run to its end, the daemon stopped however the test ends, and a
//! small tmpfs to fill.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// `key` of `/proc/<pid>/status` (`VmHWM`, `VmRSS`) in kB.
pub fn proc_kb(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// A child run to its end, its peak resident memory (VmHWM, polled every millisecond: the
/// high-water mark only rises, so the last reading before the exit is the peak of all but the
/// last instant), wall time and stderr.
pub struct Measured {
    pub status: ExitStatus,
    pub took: Duration,
    pub peak_kb: u64,
    pub stderr: String,
}

pub fn run_measured(mut cmd: Command, dir: &Path) -> Measured {
    let err_path = dir.join(format!("stderr-{}", rand::random::<u32>()));
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = proc_kb(pid, "VmHWM") {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the child did not exit"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    Measured {
        status,
        took: started.elapsed(),
        peak_kb,
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// The daemon, stopped (SIGTERM, then SIGKILL) however the test ends.
pub struct Daemon(pub Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            crate::common::signal(&self.0, "-TERM");
            if crate::common::wait_within(&mut self.0, Duration::from_secs(10)).is_none() {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
    }
}

/// A tmpfs mounted for the disk-full case, unmounted (lazily) when dropped.
pub struct Tmpfs(pub tempfile::TempDir);

impl Tmpfs {
    pub fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

/// Write to `path` until the file system is full (ENOSPC).
pub fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    for block in [vec![0x5au8; 64 * 1024], vec![0x5au8; 4096]] {
        loop {
            match f.write(&block) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(28), "filling the tmpfs: {e}");
                    break;
                }
            }
        }
    }
}
