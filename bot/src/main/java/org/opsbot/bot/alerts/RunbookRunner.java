package org.opsbot.bot.alerts;

import org.opsbot.bot.outbox.SlackMessage;

import java.util.Optional;

/**
 * Runs a runbook's checks with the report in an alert group's thread: what the Run runbook
 * button asks for. The checks side implements it ({@code ChecksFeature::runInThread}, wired in
 * {@code Bot}), so alerts need not know how runbooks are loaded, permitted or reported.
 */
@FunctionalInterface
public interface RunbookRunner {

    /**
     * Decides as {@code /ops check} does (the {@code check} permission, a known runbook with
     * checks) and, if allowed, starts the run and returns at once; its message is a reply in the
     * thread of {@code parentId}, updated as checks finish and finally holding the report.
     *
     * @param parentId the outbox id of the alert group's parent message
     * @return empty when the run started; otherwise the answer for {@code user} alone
     */
    Optional<SlackMessage> runInThread(String runbook, String user, long parentId);

}
