-- The @oncall user groups: usergroups.users.update calls go through the outbox as the USERGROUP
-- kind, one lane per user group, the newest pending membership replacing an older one that was
-- not sent yet (as HOME does for views).
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('POST', 'UPDATE', 'EPHEMERAL', 'CHANNEL', 'FILE', 'HOME', 'USERGROUP'));
