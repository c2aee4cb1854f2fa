-- The person whose own act started or re-opened the walk (declared the incident, unacknowledged or
-- escalated the group), and that act in words: no tier pages them while the walk carries them.
-- Kept with the walk so that a restart mid-walk still spares them.
ALTER TABLE escalation ADD COLUMN aware_user TEXT;
ALTER TABLE escalation ADD COLUMN aware_act TEXT;
