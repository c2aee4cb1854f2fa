package org.opsbot.bot.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The user groups of a stand-in Slack workspace, answering {@code usergroups.list} and {@code
 * usergroups.users.update} as Slack does: an unknown group or an empty member list is refused,
 * and an update answers with the group as it now is. Shared by the stand-ins so they agree.
 */
public final class StandInUsergroups {
    // Handle to id, and id to its members (comma-separated, as the update's form sends them).
    private final Map<String, String> ids = new LinkedHashMap<>();
    private final Map<String, String> members = new LinkedHashMap<>();

    /** Adds the group {@code handle} with id {@code id}, holding {@code member} to begin with. */
    public synchronized void add(String handle, String id, String member) {
        ids.put(handle, id);
        members.put(id, member);
    }

    public synchronized int size() {
        return ids.size();
    }

    /** The body of {@code usergroups.list}, every group with its users. */
    public synchronized String list() {
        StringBuilder groups = new StringBuilder();
        ids.forEach((handle, id) -> groups.append(groups.isEmpty() ? "" : ",").append(json(handle, id)));
        return "{\"ok\":true,\"usergroups\":[" + groups + "]}";
    }

    /**
     * The body of {@code usergroups.users.update} setting group {@code id} to {@code users}, and
     * whether Slack took it (a refused update changes nothing).
     */
    public synchronized Answer update(String id, String users) {
        Optional<String> handle = ids.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).findFirst();
        if (handle.isEmpty()) {
            return new Answer(false, "{\"ok\":false,\"error\":\"no_such_subteam\"}");
        }
        if (users == null || users.isEmpty()) {
            return new Answer(false, "{\"ok\":false,\"error\":\"invalid_users\"}");
        }
        members.put(id, users);
        return new Answer(true, "{\"ok\":true,\"usergroup\":" + json(handle.get(), id) + "}");
    }

    /** What {@code usergroups.users.update} answered, and whether it changed the group. */
    public record Answer(boolean taken, String body) {
    }

    private String json(String handle, String id) {
        String users = String.join("\",\"", members.get(id).split(","));
        return "{\"id\":\"" + id + "\",\"handle\":\"" + handle + "\",\"users\":[\"" + users + "\"]}";
    }
}
