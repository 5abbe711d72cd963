//! CHZZK's `deviceId`: the UUID a browser keeps in its `ba.uuid` cookie and sends on every API
//! call. A browser keeps one for as long as it lives, so we keep ours in a small file across
//! restarts instead of looking like a new device every start.

use std::path::Path;

use rand::Rng;

/// The configured id, else the one in `file`, else a new one (written to `file` when given).
/// IO problems cost only persistence: they are logged and a fresh id is used.
pub fn resolve(configured: &str, file: &str) -> String {
    let configured = configured.trim();
    if !configured.is_empty() {
        return configured.to_string();
    }
    let file = file.trim();
    if file.is_empty() {
        return new_uuid();
    }
    let path = Path::new(file);
    if let Ok(text) = std::fs::read_to_string(path) {
        let id = text.trim();
        if is_uuid(id) {
            return id.to_string();
        }
        tracing::warn!(platform = "chzzk", file = %path.display(), "The deviceId file does not hold a UUID; writing a new one.");
    }
    let id = new_uuid();
    let written = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(path, format!("{id}\n")));
    if let Err(e) = written {
        tracing::warn!(platform = "chzzk", file = %path.display(), error = %e, "Could not keep the CHZZK deviceId; a new one is used each start.");
    }
    id
}

/// A random (version 4) UUID in the usual lower-case 8-4-4-4-12 form.
pub fn new_uuid() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed_and_differ() {
        let a = new_uuid();
        assert!(is_uuid(&a), "{a}");
        assert_eq!(&a[14..15], "4", "version 4");
        assert_ne!(a, new_uuid());
        assert!(!is_uuid("not-a-uuid"));
    }

    #[test]
    fn kept_across_restarts_in_its_file() {
        let dir = std::env::temp_dir().join(format!("streamtide-device-{}", new_uuid()));
        let file = dir.join("sub").join("chzzk-device-id");
        let file = file.to_str().unwrap();
        let first = resolve("", file);
        assert!(is_uuid(&first));
        assert_eq!(resolve("", file), first, "a restart reads the same id");
        assert_eq!(resolve("fixed-id", file), "fixed-id", "configured wins");
        std::fs::write(file, "garbage").unwrap();
        let fresh = resolve("", file);
        assert!(is_uuid(&fresh) && fresh != first);
        assert_eq!(resolve("", file), fresh);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
