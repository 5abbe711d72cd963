//! Work leases that let several collectors share the work without a coordinator of their own.
//!
//! Each collector runs [`Store::lease_heartbeat`] every third of the lease time-to-live. One
//! heartbeat is one write transaction that renews what the collector holds, counts the live
//! collectors (each keeps a `member:<id>` row alive, so a newcomer that holds no work yet is
//! counted too), gives back what is above its fair share so a newcomer gets work, and claims free
//! or expired leases up to its share. A collector that dies stops renewing; its leases expire
//! after one time-to-live and the survivors' next heartbeats claim them.
//!
//! Two collectors never hold one lease at once: every claim is a conditional update (`owner IS
//! NULL OR expires_at <= now`) on a row the claimer has locked, so a lost race changes nothing.
//! Lease times come from the collectors' clocks, which must agree to well under a time-to-live.
//!
//! SQL here is portable on purpose (positional `?`, no dialect functions): the same statements
//! serve SQLite, PostgreSQL and MariaDB, except the one marked `DIALECT: skip-locked`.

use crate::db::sql;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Utc};

use crate::db;
use crate::time::truncate_to_second;
use crate::{Backend, Result, Store};

/// Names of membership rows; never handed out as work.
const MEMBER_PREFIX: &str = "member:";

/// "Never": a free lease's `expires_at`, before any real time.
const NEVER: DateTime<Utc> = DateTime::<Utc>::UNIX_EPOCH;

/// One lease as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub name: String,
    /// `None`: free.
    pub owner: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// `collected_since`'s row: platform, platform id, observed at, round id, round job.
type CollectedRow = (String, String, DateTime<Utc>, Option<i64>, Option<String>);

/// One stored channel snapshot and the round that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    pub platform: String,
    pub channel_id: String,
    pub observed_at: DateTime<Utc>,
    pub round_id: Option<i64>,
    /// The writing round's job (`live`, `channels`, ...).
    pub job: Option<String>,
}

/// What one heartbeat did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Heartbeat {
    /// Every work lease the caller holds after the heartbeat, sorted.
    pub held: Vec<String>,
    /// Leases claimed by this heartbeat.
    pub claimed: Vec<String>,
    /// Of `claimed`, those another collector had held until its lease expired (takeovers).
    pub taken_over: Vec<String>,
    /// Leases given back because they were above the caller's fair share.
    pub released: Vec<String>,
    /// Live collectors, the caller included.
    pub members: usize,
}

/// The group a lease is shared within: its name up to the last `:` (`channels:chzzk:7` →
/// `channels:chzzk`). Shares are fair per group, so every collector gets some of every
/// platform's roster and the platforms' rate limits are spread over all collectors.
fn group(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(g, _)| g)
}

/// ceil(total / members): with shares rounded up, every lease of a group can be held.
fn share(total: usize, members: usize) -> usize {
    total.div_ceil(members.max(1))
}

fn member_name(owner: &str) -> String {
    format!("{MEMBER_PREFIX}{owner}")
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl Store {
    /// Create the rows of `names` that do not exist yet, free. Each insert commits on its own
    /// and a concurrent creator's duplicate is ignored, so no transaction is ever aborted by a
    /// race between collectors starting together.
    async fn ensure_leases(&self, names: &[String]) -> Result<()> {
        let existing: HashSet<String> = db::query_scalar(sql!("SELECT name FROM collector_leases"))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .collect();
        for name in names.iter().filter(|n| !existing.contains(*n)) {
            let inserted = db::query(
                sql!("INSERT INTO collector_leases (name, owner, expires_at, acquired_at) VALUES (" #1 ", NULL, " #2 ", NULL)"),
            )
            .bind(name)
            .bind(NEVER)
            .execute(&self.pool)
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// One heartbeat of collector `owner` over the work leases `names` (see the module doc).
    /// `ttl` is how long what it holds stays its own without another heartbeat.
    pub async fn lease_heartbeat(
        &self,
        owner: &str,
        names: &[String],
        ttl: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<Heartbeat> {
        // InnoDB's next-key locks (and, rarely, PostgreSQL) can make two heartbeats deadlock;
        // the server rolls one back, which then simply runs again (a heartbeat is idempotent).
        crate::retry_conflicts(|| self.heartbeat_once(owner, names, ttl, now)).await
    }

    async fn heartbeat_once(
        &self,
        owner: &str,
        names: &[String],
        ttl: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<Heartbeat> {
        // Whole seconds are stored. Expiry is rounded up, so a lease never ends before
        // `now + ttl` (the holder counts on that long); `now` is rounded down, so a claimer
        // never sees a lease expired early.
        let ttl_secs = ttl.as_secs().max(1);
        let end = now
            + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::seconds(ttl_secs as i64));
        let end = match truncate_to_second(end) {
            t if t == end => t,
            t => t + chrono::Duration::seconds(1),
        };
        let expires = end;
        let now_s = truncate_to_second(now);
        let me = member_name(owner);
        self.ensure_leases(names).await?;

        let mut tx = self.write_tx().await?;
        renew_membership(&mut tx, owner, &me, expires, now_s).await?;
        // Renew everything still ours. A lease another collector claimed after ours expired
        // has a new owner and is not touched.
        db::query(sql!("UPDATE collector_leases SET expires_at = " #1 " WHERE owner = " #2))
            .bind(expires)
            .bind(owner)
            .execute(&mut *tx)
            .await?;

        let rows: Vec<(String, Option<String>, DateTime<Utc>)> =
            db::query_as(sql!("SELECT name, owner, expires_at FROM collector_leases"))
                .fetch_all(&mut *tx)
                .await?;
        let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        let members: BTreeSet<&str> = rows
            .iter()
            .filter(|(_, _, exp)| *exp > now_s)
            .filter_map(|(_, o, _)| o.as_deref())
            .collect();
        let members = members.len().max(1);
        // Per group: how many leases there are and which of them we hold.
        let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &wanted {
            *totals.entry(group(n)).or_default() += 1;
        }
        let mut mine: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, o, _) in &rows {
            if o.as_deref() == Some(owner) && wanted.contains(name.as_str()) {
                mine.entry(group(name)).or_default().push(name.as_str());
            }
        }

        let mut out = Heartbeat {
            members,
            ..Heartbeat::default()
        };
        // Work leases we hold that are no longer work (shards or platforms changed): give back.
        let stale: Vec<String> = rows
            .iter()
            .filter(|(n, o, _)| {
                o.as_deref() == Some(owner) && *n != me && !wanted.contains(n.as_str())
            })
            .map(|(n, _, _)| n.clone())
            .collect();
        for (grp, total) in &totals {
            let fair = share(*total, members);
            let held = mine.get(grp).map_or(&[][..], Vec::as_slice);
            if held.len() > fair {
                // Give back the last ones by name: deterministic, so a heartbeat retried after
                // a failed commit gives back the same leases rather than another pick.
                let mut sorted = held.to_vec();
                sorted.sort_unstable();
                out.released
                    .extend(sorted[fair..].iter().map(|s| s.to_string()));
            } else if held.len() < fair {
                let mut group_names: Vec<&str> = wanted
                    .iter()
                    .copied()
                    .filter(|n| group(n) == *grp)
                    .collect();
                group_names.sort_unstable();
                let claimed = claim(
                    &mut tx,
                    owner,
                    &group_names,
                    fair - held.len(),
                    now_s,
                    expires,
                )
                .await?;
                for (name, previous) in claimed {
                    if previous.is_some_and(|p| p != owner) {
                        out.taken_over.push(name.clone());
                    }
                    out.claimed.push(name);
                }
            }
        }
        for name in out.released.iter().chain(&stale) {
            give_back(&mut tx, owner, name).await?;
        }
        forget_departed(&mut tx, &rows, &me, now_s, ttl_secs).await?;
        let held: Vec<String> = db::query_scalar(
            sql!("SELECT name FROM collector_leases WHERE owner = " #1 " ORDER BY name"),
        )
        .bind(owner)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        out.held = held
            .into_iter()
            .filter(|n| wanted.contains(n.as_str()))
            .collect();
        Ok(out)
    }

    /// Give back everything `owner` holds and drop its membership (graceful shutdown), so the
    /// others take over at their next heartbeat instead of after a time-to-live.
    pub async fn release_all(&self, owner: &str) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        db::query(sql!("DELETE FROM collector_leases WHERE name = " #1))
            .bind(member_name(owner))
            .execute(&mut *tx)
            .await?;
        let n = db::query(
            sql!("UPDATE collector_leases SET owner = NULL, expires_at = " #1 ", acquired_at = NULL WHERE owner = " #2),
        )
        .bind(NEVER)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    /// Channel snapshots observed at or after `since`, with the round and job that wrote them:
    /// how an operator (or the failover test) audits that a cluster split the work without
    /// overlap. Oldest first.
    pub async fn collected_since(&self, since: DateTime<Utc>) -> Result<Vec<Collected>> {
        let rows: Vec<CollectedRow> = db::query_as(
            sql!("SELECT c.platform, c.platform_id, s.observed_at, s.round_id, r.job
             FROM channel_snapshots s
             JOIN channels c ON c.id = s.channel_id
             LEFT JOIN collection_rounds r ON r.id = s.round_id
             WHERE s.observed_at >= " #1 "
             ORDER BY s.observed_at"),
        )
        .bind(truncate_to_second(since))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(platform, channel_id, observed_at, round_id, job)| Collected {
                    platform,
                    channel_id,
                    observed_at,
                    round_id,
                    job,
                },
            )
            .collect())
    }

    /// Every work lease (membership rows left out), by name.
    pub async fn leases(&self) -> Result<Vec<Lease>> {
        let rows: Vec<(String, Option<String>, DateTime<Utc>)> = db::query_as(sql!(
            "SELECT name, owner, expires_at FROM collector_leases ORDER BY name"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|(n, _, _)| !n.starts_with(MEMBER_PREFIX))
            .map(|(name, owner, exp)| Lease {
                name,
                owner,
                expires_at: Some(exp).filter(|t| *t != NEVER),
            })
            .collect())
    }
}

/// Claim up to `want` of `names` that are free or expired; returns each claimed name with its
/// previous owner.
type Tx = db::Held;

/// Write `owner`'s membership row with its real expiry from the start: a row that looked expired
/// (as a free lease does) would be cleaned up by the others as a departed collector.
async fn renew_membership(
    tx: &mut Tx,
    owner: &str,
    me: &str,
    expires: DateTime<Utc>,
    now_s: DateTime<Utc>,
) -> Result<()> {
    let renewed = db::query(
        sql!("UPDATE collector_leases SET owner = " #1 ", expires_at = " #2 " WHERE name = " #3),
    )
    .bind(owner)
    .bind(expires)
    .bind(me)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if renewed == 0 {
        db::query(
            sql!("INSERT INTO collector_leases (name, owner, expires_at, acquired_at) VALUES (" #1 ", " #2 ", " #3 ", " #4 ")"),
        )
        .bind(me)
        .bind(owner)
        .bind(expires)
        .bind(now_s)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Free the lease `name` if `owner` still holds it.
async fn give_back(tx: &mut Tx, owner: &str, name: &str) -> Result<()> {
    db::query(
        sql!("UPDATE collector_leases SET owner = NULL, expires_at = " #1 ", acquired_at = NULL WHERE name = " #2 " AND owner = " #3),
    )
    .bind(NEVER)
    .bind(name)
    .bind(owner)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Membership rows of collectors gone for a long while (ten time-to-lives): nothing reads them
/// any more. One by one in name order, so two collectors cleaning up at once lock them in the
/// same order and cannot deadlock on PostgreSQL/MariaDB.
async fn forget_departed(
    tx: &mut Tx,
    rows: &[(String, Option<String>, DateTime<Utc>)],
    me: &str,
    now: DateTime<Utc>,
    ttl_secs: u64,
) -> Result<()> {
    let forget_before = now - chrono::Duration::seconds(10 * ttl_secs.max(1) as i64);
    let mut gone: Vec<&str> = rows
        .iter()
        .filter(|(n, _, exp)| n.starts_with(MEMBER_PREFIX) && *exp < forget_before && n != me)
        .map(|(n, _, _)| n.as_str())
        .collect();
    gone.sort_unstable();
    for name in gone {
        db::query(sql!("DELETE FROM collector_leases WHERE name = " #1 " AND expires_at < " #2))
            .bind(name)
            .bind(forget_before)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn claim(
    tx: &mut db::Held,
    owner: &str,
    names: &[&str],
    want: usize,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<Vec<(String, Option<String>)>> {
    if names.is_empty() || want == 0 {
        return Ok(Vec::new());
    }
    // The names are values 1..=n, then the time and the limit.
    let n = names.len();
    let mut sql =
        db::built!(tx.backend(); "SELECT name, owner FROM collector_leases WHERE name IN (");
    sql.params(1, n);
    db::built_push!(sql;
        ") AND (owner IS NULL OR expires_at <= " #(n + 1) ")
         ORDER BY name LIMIT " #(n + 2)
    );
    // On PostgreSQL/MariaDB `FOR UPDATE SKIP LOCKED`: two collectors claiming at once each lock
    // (and get) different rows instead of queueing. SQLite has one writer at a time anyway.
    sql.push(match tx.backend() {
        Backend::Sqlite => "",
        Backend::Postgres | Backend::MySql => " FOR UPDATE SKIP LOCKED",
    });
    let mut q = db::query_as::<(String, Option<String>)>(sql);
    for n in names {
        q = q.bind(*n);
    }
    let free = q.bind(now).bind(want as i64).fetch_all(&mut **tx).await?;
    let mut claimed = Vec::with_capacity(free.len());
    for (name, previous) in free {
        // Conditional on still being free: correct even where the select took no lock.
        let done = db::query(
            sql!("UPDATE collector_leases SET owner = " #1 ", expires_at = " #2 ", acquired_at = " #3 "
             WHERE name = " #4 " AND (owner IS NULL OR expires_at <= " #5 ")"),
        )
        .bind(owner)
        .bind(expires)
        .bind(now)
        .bind(&name)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if done == 1 {
            claimed.push((name, previous));
        }
    }
    Ok(claimed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_shares() {
        assert_eq!(group("channels:chzzk:7"), "channels:chzzk");
        assert_eq!(group("live:soop"), "live");
        assert_eq!(share(32, 3), 11);
        assert_eq!(share(32, 1), 32);
        assert_eq!(share(4, 3), 2);
        assert_eq!(share(1, 0), 1);
    }
}
