#!/usr/bin/env python3
"""Replay the store's SQLite write path with Python's sqlite3, timing each statement.

The statements a channels batch sends (`crates/storage/src/writes.rs`), against the real schema
(every `crates/storage/migrations/sqlite/*.up.sql`) and the store's connection settings, without
sqlx: it shows what SQLite itself costs, and how that cost grows as `channel_snapshots` fills
(BENCHMARKS.md, "Sightings that change nothing").

    python3 scripts/sqlite_write_replay.py --prefill 400
    python3 scripts/sqlite_write_replay.py --page-size 16384 --wal-autocheckpoint 16000

Channels are offline and unchanged; every twelfth round refreshes every channel row (the hourly
refresh at 5-minute rounds), the others only read the fresh rows, as the store does. Snapshots
go to `channel_snapshots_recent` and are folded into `channel_snapshots_folded` every twelfth
round (`crates/storage/src/staging.rs`); `--direct` writes them straight into the folded table,
which is what the store did before the staging table.

    python3 scripts/sqlite_write_replay.py --prefill 400 --direct
"""
import argparse
import collections
import glob
import os
import sqlite3
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

UPSERT = """INSERT INTO channels (platform, platform_id, name, handle, avatar_url, description,
    tracked, first_seen_at, last_seen_at) VALUES {rows}
  ON CONFLICT (platform, platform_id) DO UPDATE SET
    name = CASE WHEN excluded.name <> '' AND excluded.last_seen_at >= channels.last_seen_at
                THEN excluded.name ELSE channels.name END,
    handle = CASE WHEN excluded.handle IS NOT NULL AND excluded.last_seen_at >= channels.last_seen_at
                  THEN excluded.handle ELSE channels.handle END,
    avatar_url = COALESCE(excluded.avatar_url, channels.avatar_url),
    description = COALESCE(excluded.description, channels.description),
    first_seen_at = MIN(channels.first_seen_at, excluded.first_seen_at),
    last_seen_at = MAX(channels.last_seen_at, excluded.last_seen_at),
    missing_since = NULL
  RETURNING platform_id, id"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--channels", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=20, help="timed rounds")
    ap.add_argument("--prefill", type=int, default=0, help="snapshots per channel already stored")
    ap.add_argument("--page-size", type=int, default=4096)
    ap.add_argument("--cache-mib", type=int, default=32, help="page cache per connection (the store's: 32)")
    ap.add_argument("--wal-autocheckpoint", type=int, default=16000,
                    help="the store's before its background checkpoints; it now uses 65536 with "
                         "--background-checkpoint 0.5")
    ap.add_argument("--fold-every", type=int, default=12, help="rounds between folds")
    ap.add_argument("--direct", action="store_true", help="no staging table")
    ap.add_argument("--prefill-by-rounds", action="store_true",
                    help="write the prefill round by round (folding as the store does) instead of in one "
                         "sorted bulk insert, which leaves every page full and so overstates the splits")
    ap.add_argument("--synchronous", default="NORMAL", help="the store's: NORMAL")
    ap.add_argument("--background-checkpoint", type=float, default=0, metavar="SECS",
                    help="checkpoint (PASSIVE) every SECS from a second connection in its own thread "
                         "during the timed rounds, as well as the writer's automatic checkpoints")
    a = ap.parse_args()

    path = os.path.join(tempfile.mkdtemp(), "replay.db")
    c = sqlite3.connect(path, isolation_level=None)
    c.execute(f"PRAGMA page_size = {a.page_size}")
    for pragma in ("journal_mode = WAL", f"synchronous = {a.synchronous}", "foreign_keys = ON",
                   f"cache_size = -{a.cache_mib * 1024}", f"mmap_size = {max(256, a.cache_mib * 4) << 20}",
                   f"wal_autocheckpoint = {a.wal_autocheckpoint}"):
        c.execute(f"PRAGMA {pragma}")
    for f in sorted(glob.glob(os.path.join(ROOT, "crates/storage/migrations/sqlite/*.up.sql"))):
        c.executescript(open(f).read())

    ids = ["%032x" % i for i in range(a.channels)]
    t = lambda r: "2026-03-%02dT%02d:%02d:00Z" % (2 + r * 5 // 1440, r * 5 // 60 % 24, r * 5 % 60)

    def upsert(batch, at):
        rows = ",".join(["('chzzk', ?, ?, NULL, NULL, NULL, 0, ?, ?)"] * len(batch))
        args = [x for p in batch for x in (p, "bench channel " + p, at, at)]
        ids = dict(c.execute(UPSERT.format(rows=rows), args).fetchall())
        rows = ",".join(["(?, ?, ?, ?)"] * len(ids))
        c.execute(
            f"""INSERT INTO channel_names (channel_id, name, first_seen_at, last_seen_at) VALUES {rows}
                ON CONFLICT (channel_id, name) DO UPDATE SET
                  first_seen_at = MIN(channel_names.first_seen_at, excluded.first_seen_at),
                  last_seen_at = MAX(channel_names.last_seen_at, excluded.last_seen_at)""",
            [x for p, i in ids.items() for x in (i, "bench channel " + p, at, at)])
        return ids

    def fresh(batch, at):
        marks = ",".join("?" * len(batch))
        return {r[1]: r[0] for r in c.execute(
            f"""SELECT id, platform_id, name, handle, avatar_url, description FROM channels
                WHERE platform = 'chzzk' AND missing_since IS NULL AND last_seen_at <= ?
                  AND platform_id IN ({marks})""", [at] + batch)}

    columns = "channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id"

    def snapshots(ids, at, rid):
        rows = ",".join(["(?, ?, 1000, 100000, 10, 0, NULL, ?)"] * len(ids))
        args = [x for i in sorted(ids.values()) for x in (i, at, rid)]
        if a.direct:
            c.execute(f"""INSERT INTO channel_snapshots_folded ({columns}) VALUES {rows}
                          ON CONFLICT (channel_id, observed_at) DO NOTHING""", args)
        else:
            c.execute(f"""INSERT INTO channel_snapshots_recent ({columns})
                          SELECT * FROM (VALUES {rows}) v
                          WHERE NOT EXISTS (SELECT 1 FROM channel_snapshots_folded f
                                            WHERE f.channel_id = v.column1 AND f.observed_at = v.column2)
                          ON CONFLICT (channel_id, observed_at) DO NOTHING""", args)

    older_than_latest = """observed_at < (SELECT MAX(l.observed_at) FROM channel_snapshots_recent l
                           WHERE l.channel_id = channel_snapshots_recent.channel_id)"""

    def fold():
        c.execute("BEGIN IMMEDIATE")
        c.execute(f"""INSERT INTO channel_snapshots_folded ({columns})
                      SELECT {columns} FROM channel_snapshots_recent WHERE {older_than_latest}
                      ORDER BY channel_id, observed_at
                      ON CONFLICT (channel_id, observed_at) DO NOTHING""")
        c.execute(f"DELETE FROM channel_snapshots_recent WHERE {older_than_latest}")
        c.execute("COMMIT")

    def close(ids, at):
        v = list(ids.values())
        c.execute(f"""UPDATE live_sessions SET ended_at = last_seen_at
                      WHERE channel_id IN ({",".join("?" * len(v))}) AND ended_at IS NULL
                        AND last_seen_at <= ?""", v + [at])

    rid = c.execute("INSERT INTO collection_rounds (platform, job, started_at) "
                    "VALUES ('chzzk', 'channels', ?) RETURNING id", (t(0),)).fetchone()[0]
    for k in range(0, a.channels, a.batch):
        c.execute("BEGIN IMMEDIATE")
        snapshots(upsert(ids[k:k + a.batch], t(0)), t(0), rid)
        c.execute("COMMIT")
    if a.prefill and a.prefill_by_rounds:
        # Older snapshots (February; the timed rounds are in March), a round at a time.
        before = lambda r: "2026-02-%02dT%02d:%02d:00Z" % (1 + r * 5 // 1440, r * 5 // 60 % 24, r * 5 % 60)
        target = "channel_snapshots_folded" if a.direct else "channel_snapshots_recent"
        for r in range(1, a.prefill + 1):
            c.execute("BEGIN IMMEDIATE")
            c.executemany(f"INSERT INTO {target} ({columns}) VALUES (?, ?, 1000, 100000, 10, 0, NULL, ?)",
                          [(i, before(r), rid) for i in range(1, a.channels + 1)])
            c.execute("COMMIT")
            if not a.direct and r % a.fold_every == 0:
                fold()
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif a.prefill:
        # Older snapshots, a channel's contiguous as the table keeps them.
        c.execute("BEGIN")
        c.execute("""WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ?)
                     INSERT INTO channel_snapshots_folded (channel_id, observed_at, followers, total_views,
                       video_count, live, viewers, round_id)
                     SELECT ch.id, strftime('%Y-%m-%dT%H:%M:%SZ', '2026-02-01', '+' || (k.n * 5) || ' minutes'),
                       1000, 100000, 10, 0, NULL, ? FROM channels ch, k""", (a.prefill, rid))
        c.execute("COMMIT")
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    spent = collections.Counter()

    def timed(step, f, *args):
        started = time.perf_counter()
        out = f(*args)
        spent[step] += time.perf_counter() - started
        return out

    stop = threading.Event()
    checkpoints = collections.Counter()

    def checkpointer():
        cp = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        cp.execute(f"PRAGMA synchronous = {a.synchronous}")
        while not stop.wait(a.background_checkpoint):
            cp.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            checkpoints["runs"] += 1
        cp.close()

    thread = threading.Thread(target=checkpointer) if a.background_checkpoint else None
    if thread:
        thread.start()
    started, rows = time.perf_counter(), 0
    for r in range(1, a.rounds + 1):
        at = t(r)
        for k in range(0, a.channels, a.batch):
            batch = ids[k:k + a.batch]
            timed("begin", c.execute, "BEGIN IMMEDIATE")
            if r % 12:
                ids_of = timed("read fresh", fresh, batch, at)
            else:
                ids_of = timed("upsert", upsert, batch, at)
            timed("snapshots", snapshots, ids_of, at, rid)
            timed("close sessions", close, ids_of, at)
            timed("round counter", c.execute,
                  "UPDATE collection_rounds SET written = written + ? WHERE id = ?", (len(batch), rid))
            timed("commit", c.execute, "COMMIT")
            rows += len(batch)
        if not a.direct and r % a.fold_every == 0:
            timed("fold", fold)
    secs = time.perf_counter() - started
    if thread:
        stop.set()
        thread.join()
    print(f"{rows} snapshots in {secs:.2f} s: {rows / secs:,.0f} / s "
          f"(batch {a.batch}, prefill {a.prefill}, page {a.page_size}, "
          f"autocheckpoint {a.wal_autocheckpoint}, synchronous {a.synchronous}, "
          f"{f'background checkpoint every {a.background_checkpoint} s ({dict(checkpoints)}), ' if thread else ''}"
          f"{'direct' if a.direct else f'fold every {a.fold_every} rounds'})")
    print("  " + ", ".join(f"{k} {v:.3f} s" for k, v in spent.most_common()))


if __name__ == "__main__":
    main()
