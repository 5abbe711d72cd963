//! `extension pack`: the Chrome extension (Manifest V3) as a zip ready for the Chrome Web Store,
//! or as a directory to load unpacked.
//!
//! The extension is `extension/` (manifest, new-tab and popup pages, options page, service
//! worker) plus the web UI's board modules and style, taken from the same files the server
//! serves ([`streamtide_server::WEB_ASSETS`] marked `shared_with_extension`), so the board is
//! written once. Everything is compiled into the binary: packing needs no checkout.
//!
//! Manifest V3 cannot switch `chrome_url_overrides` at runtime, so the "toolbar popup instead of
//! the new tab" choice is made at pack time: `--popup-only` drops the new-tab override and keeps
//! the toolbar popup, which both variants have.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// The extension's own files, relative to `extension/`.
const EXTENSION_FILES: &[(&str, &[u8])] = &[
    (
        "manifest.json",
        include_bytes!("../../../../extension/manifest.json"),
    ),
    (
        "newtab.html",
        include_bytes!("../../../../extension/newtab.html"),
    ),
    (
        "popup.html",
        include_bytes!("../../../../extension/popup.html"),
    ),
    (
        "options.html",
        include_bytes!("../../../../extension/options.html"),
    ),
    (
        "options.js",
        include_bytes!("../../../../extension/options.js"),
    ),
    ("ext.js", include_bytes!("../../../../extension/ext.js")),
    (
        "settings.js",
        include_bytes!("../../../../extension/settings.js"),
    ),
    ("sw.js", include_bytes!("../../../../extension/sw.js")),
    (
        "extension.css",
        include_bytes!("../../../../extension/extension.css"),
    ),
    (
        "icons/icon16.png",
        include_bytes!("../../../../extension/icons/icon16.png"),
    ),
    (
        "icons/icon48.png",
        include_bytes!("../../../../extension/icons/icon48.png"),
    ),
    (
        "icons/icon128.png",
        include_bytes!("../../../../extension/icons/icon128.png"),
    ),
];

/// Which manifest to ship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The board replaces the new tab (and the toolbar popup shows it too).
    NewTab,
    /// The new tab is left alone; the board is in the toolbar popup only.
    PopupOnly,
}

/// Every file of the extension, path → bytes, manifest first.
pub fn files(variant: Variant) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for (path, body) in EXTENSION_FILES {
        let body = if *path == "manifest.json" {
            manifest(body, variant)?
        } else {
            body.to_vec()
        };
        out.push((path.to_string(), body));
    }
    for asset in streamtide_server::WEB_ASSETS
        .iter()
        .filter(|a| a.shared_with_extension)
    {
        out.push((asset.path.to_string(), asset.body.as_bytes().to_vec()));
    }
    Ok(out)
}

/// The manifest with the binary's version and the variant applied.
fn manifest(raw: &[u8], variant: Variant) -> anyhow::Result<Vec<u8>> {
    let mut m: serde_json::Value =
        serde_json::from_slice(raw).context("extension/manifest.json is not valid JSON")?;
    let Some(obj) = m.as_object_mut() else {
        bail!("extension/manifest.json is not a JSON object");
    };
    if obj.get("manifest_version") != Some(&serde_json::json!(3)) {
        bail!("extension/manifest.json must be manifest_version 3");
    }
    obj.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    if variant == Variant::PopupOnly {
        obj.remove("chrome_url_overrides");
        if let Some(name) = obj.get("name").and_then(|n| n.as_str()).map(str::to_string) {
            obj.insert("name".into(), format!("{name} (popup)").into());
        }
    }
    let mut text = serde_json::to_vec_pretty(&m)?;
    text.push(b'\n');
    Ok(text)
}

/// `streamtide extension pack`.
pub fn pack(out: Option<PathBuf>, dir: Option<PathBuf>, popup_only: bool) -> anyhow::Result<()> {
    let variant = if popup_only {
        Variant::PopupOnly
    } else {
        Variant::NewTab
    };
    let files = files(variant)?;
    if let Some(dir) = dir {
        write_dir(&dir, &files)?;
        println!(
            "extension ({} files) written to {} — load it unpacked at chrome://extensions",
            files.len(),
            dir.display()
        );
        if out.is_none() {
            return Ok(());
        }
    }
    let out = out.unwrap_or_else(|| {
        let suffix = if popup_only { "-popup" } else { "" };
        PathBuf::from(format!(
            "streamtide-extension{suffix}-{}.zip",
            env!("CARGO_PKG_VERSION")
        ))
    });
    let bytes = zip(&files)?;
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "{} ({} files, {} bytes): upload it at https://chrome.google.com/webstore/devconsole",
        out.display(),
        files.len(),
        bytes.len()
    );
    Ok(())
}

fn write_dir(dir: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    for (path, body) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&target, body).with_context(|| format!("writing {}", target.display()))?;
    }
    Ok(())
}

/// A zip archive of `files`, deflate-free ("stored" entries, which every zip reader and the
/// Chrome Web Store accept), with a fixed timestamp so the same input gives the same bytes.
pub fn zip(files: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    // 1980-01-01 00:00 in DOS format.
    const DOS_TIME: u16 = 0;
    const DOS_DATE: u16 = (1 << 5) | 1;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, body) in files {
        let offset = u32::try_from(out.len()).context("archive too large")?;
        let size = u32::try_from(body.len()).context("file too large")?;
        let name_len = u16::try_from(name.len()).context("file name too long")?;
        let crc = crc32(body);
        // Local file header.
        out.write_all(&0x0403_4b50u32.to_le_bytes())?;
        out.write_all(&20u16.to_le_bytes())?; // version needed
        out.write_all(&0x0800u16.to_le_bytes())?; // flags: UTF-8 names
        out.write_all(&0u16.to_le_bytes())?; // method: stored
        out.write_all(&DOS_TIME.to_le_bytes())?;
        out.write_all(&DOS_DATE.to_le_bytes())?;
        out.write_all(&crc.to_le_bytes())?;
        out.write_all(&size.to_le_bytes())?;
        out.write_all(&size.to_le_bytes())?;
        out.write_all(&name_len.to_le_bytes())?;
        out.write_all(&0u16.to_le_bytes())?; // extra length
        out.write_all(name.as_bytes())?;
        out.write_all(body)?;
        // Central directory entry.
        central.write_all(&0x0201_4b50u32.to_le_bytes())?;
        central.write_all(&0x031eu16.to_le_bytes())?; // made by: Unix, 3.0
        central.write_all(&20u16.to_le_bytes())?;
        central.write_all(&0x0800u16.to_le_bytes())?;
        central.write_all(&0u16.to_le_bytes())?;
        central.write_all(&DOS_TIME.to_le_bytes())?;
        central.write_all(&DOS_DATE.to_le_bytes())?;
        central.write_all(&crc.to_le_bytes())?;
        central.write_all(&size.to_le_bytes())?;
        central.write_all(&size.to_le_bytes())?;
        central.write_all(&name_len.to_le_bytes())?;
        central.write_all(&[0; 8])?; // extra, comment, disk number, internal attributes
        central.write_all(&(0o100644u32 << 16).to_le_bytes())?; // external: -rw-r--r--
        central.write_all(&offset.to_le_bytes())?;
        central.write_all(name.as_bytes())?;
    }
    let count = u16::try_from(files.len()).context("too many files")?;
    let central_offset = u32::try_from(out.len()).context("archive too large")?;
    let central_size = u32::try_from(central.len()).context("archive too large")?;
    out.extend_from_slice(&central);
    out.write_all(&0x0605_4b50u32.to_le_bytes())?;
    out.write_all(&[0; 4])?; // disk numbers
    out.write_all(&count.to_le_bytes())?;
    out.write_all(&count.to_le_bytes())?;
    out.write_all(&central_size.to_le_bytes())?;
    out.write_all(&central_offset.to_le_bytes())?;
    out.write_all(&0u16.to_le_bytes())?; // comment length
    Ok(out)
}

/// CRC-32 (IEEE), as zip wants it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn manifest_variants() {
        let files = files(Variant::NewTab).expect("files");
        let (_, m) = &files[0];
        let m: serde_json::Value = serde_json::from_slice(m).expect("json");
        assert_eq!(m["manifest_version"], 3);
        assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(m["chrome_url_overrides"]["newtab"], "newtab.html");
        assert_eq!(m["action"]["default_popup"], "popup.html");

        let popup = files_manifest(Variant::PopupOnly);
        assert!(popup.get("chrome_url_overrides").is_none());
        assert_eq!(popup["action"]["default_popup"], "popup.html");
    }

    fn files_manifest(v: Variant) -> serde_json::Value {
        let files = files(v).expect("files");
        serde_json::from_slice(&files[0].1).expect("json")
    }

    #[test]
    fn every_file_the_manifest_and_pages_name_is_packed() {
        let files = files(Variant::NewTab).expect("files");
        let has = |p: &str| files.iter().any(|(n, _)| n == p);
        let m: serde_json::Value = serde_json::from_slice(&files[0].1).expect("json");
        for p in [
            m["chrome_url_overrides"]["newtab"].as_str(),
            m["action"]["default_popup"].as_str(),
            m["options_page"].as_str(),
            m["background"]["service_worker"].as_str(),
        ] {
            let p = p.expect("manifest entry");
            assert!(has(p), "{p}");
        }
        for size in ["16", "48", "128"] {
            let icon = m["icons"][size].as_str().expect("icon");
            assert!(has(icon), "{icon}");
        }
        // Pages load only packed files.
        for (name, body) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
            let text = String::from_utf8_lossy(body);
            for part in text.split(['"', '\'']) {
                if part.ends_with(".js") || part.ends_with(".css") {
                    assert!(has(part.trim_start_matches("./")), "{name} loads {part}");
                }
            }
            assert!(!text.contains("<script>"), "{name}: inline script");
        }
        assert!(has("app/board.js"));
    }

    #[test]
    fn zip_lists_every_file_with_its_crc() {
        let files = vec![
            ("a.txt".to_string(), b"hello".to_vec()),
            ("dir/b.json".to_string(), b"{}".to_vec()),
        ];
        let z = zip(&files).expect("zip");
        assert_eq!(&z[..4], b"PK\x03\x04");
        assert_eq!(&z[z.len() - 22..z.len() - 18], b"PK\x05\x06");
        let count = u16::from_le_bytes([z[z.len() - 12], z[z.len() - 11]]);
        assert_eq!(count, 2);
        let hello_crc = crc32(b"hello").to_le_bytes();
        assert!(z.windows(4).any(|w| w == hello_crc));
        // Deterministic.
        assert_eq!(z, zip(&files).expect("zip"));
    }
}
