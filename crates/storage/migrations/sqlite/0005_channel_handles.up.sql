-- Every login or handle a channel has had (Twitch logins and YouTube @handles can be changed;
-- the stable id cannot), with when each was seen.
CREATE TABLE channel_handles (
    channel_id     INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    handle         TEXT NOT NULL,
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    PRIMARY KEY (channel_id, handle)
) WITHOUT ROWID;
