ALTER TABLE live_sessions DROP COLUMN language_confidence;
ALTER TABLE live_sessions DROP COLUMN detected_language;
