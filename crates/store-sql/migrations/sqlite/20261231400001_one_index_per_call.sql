-- One activity per call (20261231000001), so the call id is unique: the index says so,
-- which lets the planner take it, without statistics, for a look-up by connection and
-- call (the re-evaluation's "not on the Timeline" probe) instead of a range of the
-- connection's activities. activities_connection_call (connection, call) then answered
-- nothing the two others do not, and every index is one more b-tree insert, in call id
-- order (random), for each activity a sync writes.
DROP INDEX activities_call;
CREATE UNIQUE INDEX activities_call ON activities(gong_call_id);
DROP INDEX activities_connection_call;
