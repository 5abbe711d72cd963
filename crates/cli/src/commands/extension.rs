//! `extension pack`: the browser extension (Manifest V3) as a zip ready for the Chrome Web Store,
//! a Firefox add-on (`--target firefox`), or a directory to load unpacked.
//!
//! An operator packs it for their own server (`--server https://live.example.kr`): the server is
//! baked in as the default (`defaults.js`), the package asks host permission for that origin
//! only, and the first new tab shows the board with no options step. Without `--server` the first
//! run shows an onboarding that asks for a server.
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
use serde_json::{json, Value};

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
        "notify.js",
        include_bytes!("../../../../extension/notify.js"),
    ),
    (
        "defaults.js",
        include_bytes!("../../../../extension/defaults.js"),
    ),
    (
        "onboarding.js",
        include_bytes!("../../../../extension/onboarding.js"),
    ),
    (
        "privacy.html",
        include_bytes!("../../../../extension/privacy.html"),
    ),
    (
        "privacy.js",
        include_bytes!("../../../../extension/privacy.js"),
    ),
    (
        "_locales/ko/messages.json",
        include_bytes!("../../../../extension/_locales/ko/messages.json"),
    ),
    (
        "_locales/en/messages.json",
        include_bytes!("../../../../extension/_locales/en/messages.json"),
    ),
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

/// Which browser the package is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Chrome, Edge, Whale and other Chromium browsers (the Chrome Web Store's zip).
    Chrome,
    /// Firefox (an add-on for addons.mozilla.org: `browser_specific_settings.gecko`, background
    /// scripts instead of a service worker).
    Firefox,
}

/// What to pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOptions {
    pub variant: Variant,
    pub target: Target,
    /// The operator's server, validated (an origin: scheme, host, port).
    pub server: Option<String>,
    /// The extension's name in the store and the browser (default: the locales' own).
    pub name: Option<String>,
    /// Firefox's add-on id (default: `streamtide@<server host>`).
    pub gecko_id: Option<String>,
}

impl Default for PackOptions {
    fn default() -> Self {
        PackOptions {
            variant: Variant::NewTab,
            target: Target::Chrome,
            server: None,
            name: None,
            gecko_id: None,
        }
    }
}

/// The Firefox version that has everything the package uses (MV3 `optional_host_permissions`,
/// module background scripts, and `data_collection_permissions`: 140 on desktop, 142 on Android,
/// as `web-ext lint` checks).
const GECKO_MIN_VERSION: &str = "142.0";

/// `--server` as an origin (`https://host[:port]`): absolute, https, or plain http only for this
/// computer (loopback); no path, query, credentials or fragment.
pub fn validate_server(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        anyhow::anyhow!(
            "--server `{raw}` is not an absolute URL ({e}); expected e.g. https://live.example.kr"
        )
    })?;
    let host = url
        .host()
        .with_context(|| format!("--server `{raw}` has no host"))?;
    let loopback = match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => bail!(
            "--server `{raw}`: plain http is only for a server on this computer (127.0.0.1, localhost); \
             viewers' browsers need https (e.g. https://{host})"
        ),
        other => bail!("--server `{raw}`: scheme `{other}` is not http(s)"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("--server `{raw}`: no user name or password in the address");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        bail!(
            "--server `{raw}`: the server's origin only (scheme, host, port), without a path — the \
             extension calls /api/v1/… on it"
        );
    }
    Ok(url.origin().ascii_serialization())
}

/// Every file of the extension, path → bytes, manifest first.
pub fn files(opts: &PackOptions) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for (path, body) in EXTENSION_FILES {
        let body = match *path {
            "manifest.json" => manifest(body, opts)?,
            "defaults.js" => match &opts.server {
                Some(server) => defaults_js(server)?,
                None => body.to_vec(),
            },
            p if p.starts_with("_locales/") => messages(body, opts)?,
            _ => body.to_vec(),
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

fn defaults_js(server: &str) -> anyhow::Result<Vec<u8>> {
    Ok(format!(
        "// The server this package was packed for (`streamtide extension pack --server`).\n\
         export const PACKED_SERVER = {};\n",
        serde_json::to_string(server)?
    )
    .into_bytes())
}

/// A locale's messages with `--name` and the popup-only suffix applied.
fn messages(raw: &[u8], opts: &PackOptions) -> anyhow::Result<Vec<u8>> {
    let mut m: Value = serde_json::from_slice(raw).context("extension/_locales: invalid JSON")?;
    let name = m["extName"]["message"].as_str().map(str::to_string);
    let mut name = opts.name.clone().or(name).unwrap_or_default();
    if opts.variant == Variant::PopupOnly {
        name.push_str(" (popup)");
    }
    m["extName"]["message"] = name.clone().into();
    m["actionTitle"]["message"] = name.into();
    let mut text = serde_json::to_vec_pretty(&m)?;
    text.push(b'\n');
    Ok(text)
}

/// The manifest with the binary's version, the variant, the server and the target applied.
fn manifest(raw: &[u8], opts: &PackOptions) -> anyhow::Result<Vec<u8>> {
    let mut m: Value =
        serde_json::from_slice(raw).context("extension/manifest.json is not valid JSON")?;
    let Some(obj) = m.as_object_mut() else {
        bail!("extension/manifest.json is not a JSON object");
    };
    if obj.get("manifest_version") != Some(&json!(3)) {
        bail!("extension/manifest.json must be manifest_version 3");
    }
    obj.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    if opts.variant == Variant::PopupOnly {
        obj.remove("chrome_url_overrides");
    }
    if let Some(server) = &opts.server {
        // That origin only: nothing else is ever read.
        obj.insert("host_permissions".into(), json!([format!("{server}/*")]));
        obj.remove("optional_host_permissions");
    }
    if opts.target == Target::Firefox {
        // Firefox runs MV3 background pages as event scripts, not service workers.
        obj.insert(
            "background".into(),
            json!({ "scripts": ["sw.js"], "type": "module" }),
        );
        if let Some(page) = obj.remove("options_page") {
            obj.insert(
                "options_ui".into(),
                json!({ "page": page, "open_in_tab": true }),
            );
        }
        let id = match (&opts.gecko_id, &opts.server) {
            (Some(id), _) => id.clone(),
            (None, Some(server)) => {
                let host = url::Url::parse(server)?
                    .host_str()
                    .unwrap_or("streamtide.invalid")
                    .trim_matches(['[', ']'])
                    .replace(':', "-");
                format!("streamtide@{host}")
            }
            (None, None) => "streamtide@streamtide.invalid".to_string(),
        };
        obj.insert(
            "browser_specific_settings".into(),
            json!({ "gecko": {
                "id": id,
                "strict_min_version": GECKO_MIN_VERSION,
                // Lists of live broadcasts come in; nothing about the user goes out.
                "data_collection_permissions": { "required": ["none"] }
            } }),
        );
    }
    let mut text = serde_json::to_vec_pretty(&m)?;
    text.push(b'\n');
    Ok(text)
}

/// `streamtide extension pack`.
pub fn pack(out: Option<PathBuf>, dir: Option<PathBuf>, opts: &PackOptions) -> anyhow::Result<()> {
    let files = files(opts)?;
    let browser = match opts.target {
        Target::Chrome => "chrome://extensions → \"Load unpacked\"",
        Target::Firefox => "about:debugging → \"Load Temporary Add-on\"",
    };
    if let Some(dir) = dir {
        write_dir(&dir, &files)?;
        println!(
            "extension ({} files) written to {} — load it at {browser}",
            files.len(),
            dir.display()
        );
        if out.is_none() {
            return Ok(());
        }
    }
    let out = out.unwrap_or_else(|| {
        let suffix = if opts.variant == Variant::PopupOnly {
            "-popup"
        } else {
            ""
        };
        let ext = match opts.target {
            Target::Chrome => "zip",
            Target::Firefox => "xpi",
        };
        let browser = match opts.target {
            Target::Chrome => "",
            Target::Firefox => "-firefox",
        };
        PathBuf::from(format!(
            "streamtide-extension{browser}{suffix}-{}.{ext}",
            env!("CARGO_PKG_VERSION")
        ))
    });
    let bytes = zip(&files)?;
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    let store = match opts.target {
        Target::Chrome => "https://chrome.google.com/webstore/devconsole",
        Target::Firefox => "https://addons.mozilla.org/developers/",
    };
    let server = opts.server.as_deref().map_or_else(
        || "no server (first run asks)".to_string(),
        |s| format!("server {s}"),
    );
    println!(
        "{} ({} files, {} bytes, {server}): upload it at {store}",
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

/// A zip archive of `files` (deflated, with a fixed timestamp so the same input gives the same
/// bytes), as the Chrome Web Store and addons.mozilla.org take it.
pub fn zip(files: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated)
        .last_modified_time(::zip::DateTime::default())
        .unix_permissions(0o644);
    let mut w = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in files {
        w.start_file(name.as_str(), options)
            .with_context(|| format!("adding {name} to the archive"))?;
        w.write_all(body)?;
    }
    Ok(w.finish().context("finishing the archive")?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_of(opts: &PackOptions) -> Value {
        let files = files(opts).expect("files");
        assert_eq!(files[0].0, "manifest.json");
        serde_json::from_slice(&files[0].1).expect("json")
    }

    fn file<'a>(files: &'a [(String, Vec<u8>)], path: &str) -> &'a str {
        let (_, body) = files.iter().find(|(n, _)| n == path).expect(path);
        std::str::from_utf8(body).expect("utf-8")
    }

    #[test]
    fn manifest_variants() {
        let m = manifest_of(&PackOptions::default());
        assert_eq!(m["manifest_version"], 3);
        assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(m["chrome_url_overrides"]["newtab"], "newtab.html");
        assert_eq!(m["action"]["default_popup"], "popup.html");
        assert_eq!(m["name"], "__MSG_extName__");
        // Go-live notifications: the worker's one-minute alarm and the notifications it shows
        // (Chrome's install prompt says "Display notifications"; nothing is checked or shown
        // until the user turns them on in the options).
        assert_eq!(
            m["permissions"],
            json!(["storage", "alarms", "notifications"])
        );

        let popup = manifest_of(&PackOptions {
            variant: Variant::PopupOnly,
            ..PackOptions::default()
        });
        assert!(popup.get("chrome_url_overrides").is_none());
        assert_eq!(popup["action"]["default_popup"], "popup.html");
    }

    #[test]
    fn packed_for_a_server_bakes_it_in_and_asks_for_that_origin_only() {
        let opts = PackOptions {
            server: Some(validate_server("https://live.example.kr").expect("valid")),
            name: Some("라이브 KR".into()),
            ..PackOptions::default()
        };
        let files = files(&opts).expect("files");
        let m: Value = serde_json::from_slice(&files[0].1).expect("json");
        assert_eq!(m["host_permissions"], json!(["https://live.example.kr/*"]));
        assert!(m.get("optional_host_permissions").is_none());
        assert_eq!(
            file(&files, "defaults.js").lines().last(),
            Some("export const PACKED_SERVER = \"https://live.example.kr\";")
        );
        for locale in ["ko", "en"] {
            let msgs: Value =
                serde_json::from_str(file(&files, &format!("_locales/{locale}/messages.json")))
                    .expect("json");
            assert_eq!(msgs["extName"]["message"], "라이브 KR");
            assert!(msgs["extDescription"]["message"]
                .as_str()
                .is_some_and(|d| d.len() <= 132 * 3));
        }
        // Without --server the default file says "none".
        let plain = files_of_default();
        assert!(file(&plain, "defaults.js").contains("PACKED_SERVER = null"));
    }

    fn files_of_default() -> Vec<(String, Vec<u8>)> {
        files(&PackOptions::default()).expect("files")
    }

    #[test]
    fn server_must_be_an_https_origin_or_loopback_http() {
        for (raw, want) in [
            ("https://live.example.kr", "https://live.example.kr"),
            ("https://live.example.kr/", "https://live.example.kr"),
            (
                "https://LIVE.example.kr:8443",
                "https://live.example.kr:8443",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost:3000/", "http://localhost:3000"),
            ("http://[::1]:8080", "http://[::1]:8080"),
        ] {
            assert_eq!(validate_server(raw).expect(raw), want);
        }
        for (raw, says) in [
            ("live.example.kr", "not an absolute URL"),
            (
                "http://live.example.kr",
                "plain http is only for a server on this computer",
            ),
            ("ftp://live.example.kr", "not http(s)"),
            ("https://live.example.kr/streamtide", "without a path"),
            ("https://live.example.kr/?x=1", "without a path"),
            ("https://me:pw@live.example.kr", "no user name or password"),
        ] {
            let err = validate_server(raw).expect_err(raw).to_string();
            assert!(err.contains(says), "{raw}: {err}");
        }
    }

    /// The equivalent of `web-ext lint`'s manifest checks for what this package uses: Firefox
    /// needs a gecko id, background scripts (no service worker), `options_ui`, and every file
    /// the manifest names.
    #[test]
    fn firefox_package_has_what_firefox_needs() {
        let opts = PackOptions {
            target: Target::Firefox,
            server: Some(validate_server("https://live.example.kr").expect("valid")),
            ..PackOptions::default()
        };
        let files = files(&opts).expect("files");
        let m: Value = serde_json::from_slice(&files[0].1).expect("json");
        let gecko = &m["browser_specific_settings"]["gecko"];
        assert_eq!(gecko["id"], "streamtide@live.example.kr");
        assert_eq!(gecko["strict_min_version"], GECKO_MIN_VERSION);
        assert!(m["background"].get("service_worker").is_none());
        assert_eq!(m["background"]["scripts"], json!(["sw.js"]));
        assert!(m.get("options_page").is_none());
        assert_eq!(m["options_ui"]["page"], "options.html");
        assert_eq!(m["host_permissions"], json!(["https://live.example.kr/*"]));
        // Firefox has chrome.alarms and chrome.notifications under the same names.
        assert_eq!(
            m["permissions"],
            json!(["storage", "alarms", "notifications"])
        );
        assert_manifest_files_packed(&m, &files);
        let id = gecko["id"].as_str().expect("id");
        let (user, domain) = id.split_once('@').expect("email-like id");
        assert!(!user.is_empty() && domain.contains('.'), "{id}");
    }

    fn assert_manifest_files_packed(m: &Value, files: &[(String, Vec<u8>)]) {
        let has = |p: &str| files.iter().any(|(n, _)| n == p);
        for p in [
            m["chrome_url_overrides"]["newtab"].as_str(),
            m["action"]["default_popup"].as_str(),
            m["options_page"]
                .as_str()
                .or(m["options_ui"]["page"].as_str()),
            m["background"]["service_worker"]
                .as_str()
                .or(m["background"]["scripts"][0].as_str()),
        ] {
            let p = p.expect("manifest entry");
            assert!(has(p), "{p}");
        }
        for size in ["16", "48", "128"] {
            let icon = m["icons"][size].as_str().expect("icon");
            assert!(has(icon), "{icon}");
        }
        // Every __MSG_x__ the manifest uses is in every locale, and the default locale exists.
        let default = m["default_locale"].as_str().expect("default_locale");
        assert!(has(&format!("_locales/{default}/messages.json")));
        let text = m.to_string();
        for part in text.split("__MSG_").skip(1) {
            let key = part.split("__").next().expect("key");
            for locale in ["ko", "en"] {
                let path = format!("_locales/{locale}/messages.json");
                let (_, body) = files.iter().find(|(n, _)| *n == path).expect("locale");
                let msgs: Value = serde_json::from_slice(body).expect("json");
                assert!(msgs[key]["message"].is_string(), "{locale}: {key}");
            }
        }
    }

    #[test]
    fn every_file_the_manifest_and_pages_name_is_packed() {
        let files = files_of_default();
        let has = |p: &str| files.iter().any(|(n, _)| n == p);
        let m: Value = serde_json::from_slice(&files[0].1).expect("json");
        assert_manifest_files_packed(&m, &files);
        // Pages load only packed files, and modules import only packed modules.
        for (name, body) in files
            .iter()
            .filter(|(n, _)| n.ends_with(".html") || n.ends_with(".js"))
        {
            let text = String::from_utf8_lossy(body);
            // A module names its imports relative to its own folder (`app/board.js` → `./dom.js`).
            let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
            for part in text.split(['"', '\'']) {
                let rel = part.trim_start_matches("./");
                let local = if dir.is_empty() || !part.starts_with("./") {
                    rel.to_string()
                } else {
                    format!("{dir}/{rel}")
                };
                let local = local.as_str();
                if (part.ends_with(".js") || part.ends_with(".css") || part.ends_with(".html"))
                    && !part.contains("://")
                    && !part.contains(' ')
                    && !local.is_empty()
                {
                    assert!(has(local), "{name} names {part}");
                }
            }
            assert!(!text.contains("<script>"), "{name}: inline script");
        }
        assert!(has("app/board.js"));
        assert!(has("privacy.html"));
    }

    #[test]
    fn zip_holds_every_file_and_is_deterministic() {
        let files = vec![
            ("a.txt".to_string(), b"hello hello hello hello".to_vec()),
            ("dir/b.json".to_string(), b"{}".to_vec()),
        ];
        let z = zip(&files).expect("zip");
        assert_eq!(z, zip(&files).expect("zip"), "same input, same bytes");
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(z)).expect("read back");
        assert_eq!(archive.len(), 2);
        for (name, body) in &files {
            let mut f = archive.by_name(name).expect(name);
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut out).expect("read");
            assert_eq!(&out, body);
        }
    }
}
