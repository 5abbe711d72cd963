//! The language detector against a labelled set of real and written live titles
//! (`fixtures/language_labelled.tsv`). Prints precision and recall of the `lang=ko` filter and
//! per-language accuracy (`cargo test -p streamtide-curate --test language_labelled -- --nocapture`);
//! docs/language.md reports the figures.

use std::collections::BTreeMap;

use streamtide_core::Platform;
use streamtide_curate::language::{detect, Evidence};

const SET: &str = include_str!("fixtures/language_labelled.tsv");

struct Row {
    label: String,
    platform: Platform,
    hint: Option<String>,
    source: String,
    title: String,
    tags: Vec<String>,
}

fn rows() -> Vec<Row> {
    SET.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "bad row: {l}");
            Row {
                label: f[0].to_string(),
                platform: f[1].parse().expect("platform"),
                hint: Some(f[2].to_string()).filter(|h| !h.is_empty()),
                source: f[3].to_string(),
                title: f[4].to_string(),
                tags: f[5]
                    .split(';')
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

#[test]
fn korean_filter_precision_and_recall() {
    let rows = rows();
    assert!(rows.len() >= 100, "the set shrank: {}", rows.len());
    let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
    let mut exact = 0u32;
    let mut per_lang: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut real = (0u32, 0u32);
    for r in &rows {
        let d = detect(&Evidence {
            platform: r.platform,
            title: &r.title,
            tags: &r.tags,
            description: None,
            hint: r.hint.as_deref(),
        });
        let code = d.map_or("-", |d| d.code);
        let (is_ko, said_ko) = (r.label == "ko", code == "ko");
        match (is_ko, said_ko) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            _ => {}
        }
        let e = per_lang.entry(r.label.as_str()).or_default();
        e.1 += 1;
        if code == r.label {
            exact += 1;
            e.0 += 1;
        }
        if r.source.starts_with("real:") {
            real.1 += 1;
            if is_ko == said_ko {
                real.0 += 1;
            }
        }
        if is_ko != said_ko || code != r.label {
            println!(
                "  miss: {:<3} → {:<3} [{} {}] {}",
                r.label,
                code,
                r.platform,
                r.hint.as_deref().unwrap_or("-"),
                r.title
            );
        }
    }
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fn_);
    println!(
        "lang=ko on {} titles ({} Korean): precision {:.3} ({tp}/{}), recall {:.3} ({tp}/{})",
        rows.len(),
        tp + fn_,
        precision,
        tp + fp,
        recall,
        tp + fn_
    );
    println!(
        "real captures only: Korean/not-Korean correct {}/{}",
        real.0, real.1
    );
    println!(
        "exact language: {exact}/{} ({:.3})",
        rows.len(),
        f64::from(exact) / rows.len() as f64
    );
    for (lang, (ok, n)) in &per_lang {
        println!("  {lang}: {ok}/{n}");
    }
    assert!(precision >= 0.97, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
