package org.opsbot.commands.approval;

/** The caller may not do this; the message says why, in words for them. */
public final class NotAllowed extends Exception {
    public NotAllowed(String why) {
        super(why);
    }
}
