-- The language a broadcast is in, detected once from its title, tags and channel description
-- plus the platform's hint (streamtide-curate), so `/api/v1/live?lang=` filters without running
-- the detector per request. `language` keeps the platform's own hint as it was sent.
ALTER TABLE live_sessions ADD COLUMN detected_language TEXT;
ALTER TABLE live_sessions ADD COLUMN language_confidence REAL;
