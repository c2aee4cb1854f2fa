-- One four-eyes flow for more than runbook actions: a request's kind says what approval starts.
-- 'action' runs runbook/action; 'maintenance' starts an ad hoc maintenance window of the team
-- in action, with its times and reason in params. Requests made before V28 are actions.
ALTER TABLE action_request ADD COLUMN kind TEXT NOT NULL DEFAULT 'action';
