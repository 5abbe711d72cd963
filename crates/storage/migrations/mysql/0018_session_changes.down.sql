DROP INDEX live_sessions_broadcast ON live_sessions;
DROP TABLE live_session_changes;
