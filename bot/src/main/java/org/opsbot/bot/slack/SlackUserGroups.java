package org.opsbot.bot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.usergroups.UsergroupsListResponse;
import com.slack.api.model.Usergroup;
import org.opsbot.commands.access.GroupDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * User-group membership ({@code "@oncall"} in opsbot.yaml's roles) from Slack, kept as a
 * snapshot refreshed in the background (the {@code usergroups} job of every replica). Permission checks read the snapshot and never call
 * Slack: they run before the 3-second ack, and Slack may be slow or down. A failed refresh
 * keeps the last good snapshot; before the first one succeeds every group is "unknown".
 *
 * <p>One {@code usergroups.list} call with {@code include_users} fetches every group and its
 * members, instead of one {@code usergroups.users.list} per group. Needs the
 * {@code usergroups:read} scope.
 */
public final class SlackUserGroups implements GroupDirectory {

    private static final Logger log = LoggerFactory.getLogger(SlackUserGroups.class);

    private final MethodsClient slack;
    private volatile Map<String, Set<String>> byHandle = Map.of();
    private volatile boolean loaded;

    /** @param slack a client carrying the bot token, e.g. {@code app.slack().methods(botToken)} */
    public SlackUserGroups(MethodsClient slack) {
        this.slack = slack;
    }

    /** One refresh, on the caller's thread; false when Slack could not be asked. */
    public boolean refresh() {
        try {
            UsergroupsListResponse response = slack.usergroupsList(r -> r.includeUsers(true));
            if (!response.isOk()) {
                log.warn("usergroups.list failed: {}; keeping the last known membership", response.getError());
                return false;
            }
            Map<String, Set<String>> snapshot = new HashMap<>();
            // A workspace without user groups may leave the list out altogether.
            for (Usergroup group : response.getUsergroups() == null ? List.<Usergroup>of() : response.getUsergroups()) {
                if (group.getHandle() != null) {
                    snapshot.put(group.getHandle(), group.getUsers() == null ? Set.of() : Set.copyOf(group.getUsers()));
                }
            }
            byHandle = Map.copyOf(snapshot);
            loaded = true;
            return true;
        } catch (Exception e) {
            log.warn("usergroups.list failed: {}; keeping the last known membership", e.toString());
            return false;
        }
    }

    @Override
    public Optional<Set<String>> members(String handle) {
        if (!loaded) {
            return Optional.empty();
        }
        // A handle Slack does not know is a group with no members, not an unknown one.
        return Optional.of(byHandle.getOrDefault(handle, Set.of()));
    }
}
