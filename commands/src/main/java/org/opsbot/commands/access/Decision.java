package org.opsbot.commands.access;

/** The answer to "may this user do this?": allowed, or denied with a reason a person can act on. */
public sealed interface Decision {

    boolean allowed();

    record Allowed() implements Decision {
        @Override
        public boolean allowed() {
            return true;
        }
    }

    /** {@code reason} is shown to the user as is, so it names the role and who can fix it. */
    record Denied(String reason) implements Decision {
        @Override
        public boolean allowed() {
            return false;
        }
    }

    static Decision allow() {
        return new Allowed();
    }

    static Decision deny(String reason) {
        return new Denied(reason);
    }
}
