package org.opsbot.commands.check;

import org.opsbot.commands.model.CheckResult;

/**
 * Told about each check as it finishes, in the order they finish, on the thread that called
 * the runner (one call at a time), so a Slack message can say "3/8 done".
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (result, done, total) -> { };

    void checkFinished(CheckResult result, int done, int total);
}
