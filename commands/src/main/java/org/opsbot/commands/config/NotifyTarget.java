package org.opsbot.commands.config;

/**
 * Whom a tier notifies: a Slack user ({@code U…}/{@code W…}), a user group ({@code @handle} or
 * {@code S…} id) or an on-call schedule ({@code schedule:name}).
 */
public record NotifyTarget(Kind kind, String id) {

    public enum Kind { USER, USER_GROUP, SCHEDULE }

    @Override
    public String toString() {
        return kind == Kind.SCHEDULE ? "schedule:" + id : id;
    }
}
