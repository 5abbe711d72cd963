-- A roster names each creator once: re-importing the same sheet must find, not duplicate, them.
CREATE UNIQUE INDEX creators_name ON creators (name);
CREATE INDEX channels_creator ON channels (creator_id);
