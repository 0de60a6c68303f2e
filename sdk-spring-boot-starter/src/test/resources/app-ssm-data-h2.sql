-- The last outcome an earlier run of the application left in its database.
INSERT INTO app_outcome (id, outcome) VALUES (1, '{"startedAt":"2026-11-30T23:59:00Z","finishedAt":"2026-12-01T00:00:00Z","success":true,"licensesPulled":3,"reportsDelivered":0,"reportsPending":0}');
