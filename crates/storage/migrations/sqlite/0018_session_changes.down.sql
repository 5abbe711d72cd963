DROP INDEX live_sessions_broadcast;
DROP TABLE live_session_changes;
