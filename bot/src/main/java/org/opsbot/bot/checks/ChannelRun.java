package org.opsbot.bot.checks;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookChecks;
import org.opsbot.commands.runbook.RunbookChecks.RecordedRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Runs a runbook for a channel: one message, posted at once ("0/8 checks done…"), updated as
 * checks finish and finally replaced by the report. Every entry point in Slack goes through
 * here: {@code /ops check}, the Run buttons, the schedule, and an alert group's Run runbook
 * button (whose message is a reply in the group's thread).
 *
 * <p>Progress is sent with {@code chat.update} through the outbox (whose pending updates of one
 * message coalesce), never through the command's {@code response_url}, which allows 5 uses.
 */
final class ChannelRun {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelRun.class);

    private final RunbookChecks checks;
    private final Outbox outbox;
    private final Executor executor;

    ChannelRun(RunbookChecks checks, Outbox outbox, Executor executor) {
        this.checks = checks;
        this.outbox = outbox;
        this.executor = executor;
    }

    /** Posts the "running" message and hands the run to the executor; returns at once. */
    void start(Runbook runbook, String actor, String channel) {
        start(runbook, actor, channel, Optional.empty());
    }

    /** @param note shown under the report, e.g. why a scheduled run is late */
    void start(Runbook runbook, String actor, String channel, Optional<String> note) {
        long message = outbox.post(channel, ReportMessage.progress(runbook, actor, 0, runbook.checks().size()));
        executor.execute(() -> run(runbook, actor, message, note));
    }

    /**
     * A scheduled run: its message is posted once per {@code key} (a replica that takes over a
     * claim its dead holder had already posted for reuses that message), and the checks run
     * only if {@code begin} says this caller may start them once the message is written.
     *
     * @return whether the run started here
     */
    boolean startOnce(String key, Runbook runbook, String actor, String channel, Optional<String> note,
                      BooleanSupplier begin) {
        long message = outbox.postOnce(key, channel, ReportMessage.progress(runbook, actor, 0, runbook.checks().size()));
        if (!begin.getAsBoolean()) {
            return false;
        }
        executor.execute(() -> run(runbook, actor, message, note));
        return true;
    }

    /**
     * The same run, its message a reply in the thread of {@code parentId} (an outbox id, e.g. an
     * alert group's parent message); returns at once.
     */
    void startInThread(Runbook runbook, String actor, long parentId) {
        long message = outbox.reply(parentId, ReportMessage.progress(runbook, actor, 0, runbook.checks().size()));
        executor.execute(() -> run(runbook, actor, message, Optional.empty()));
    }

    /** Runs on the caller's thread and returns once the report is in the outbox (the scheduler). */
    RecordedRun runHere(Runbook runbook, String actor, String channel) {
        long message = outbox.post(channel, ReportMessage.progress(runbook, actor, 0, runbook.checks().size()));
        return run(runbook, actor, message, Optional.empty());
    }

    private RecordedRun run(Runbook runbook, String actor, long message, Optional<String> note) {
        try {
            RecordedRun run = checks.run(runbook, actor, (result, done, total) -> {
                // The last one is followed by the report at once; no point in a "8/8" frame.
                if (done < total) {
                    outbox.update(message, ReportMessage.progress(runbook, actor, done, total));
                }
            });
            outbox.update(message, ReportMessage.report(run, note));
            return run;
        } catch (RuntimeException e) {
            LOG.error("Runbook {} started by {} could not run", runbook.name(), actor, e);
            try {
                outbox.update(message, ReportMessage.failed(runbook, actor, e.getClass().getSimpleName()));
            } catch (RuntimeException again) {
                LOG.warn("Could not tell the channel that {} failed: {}", runbook.name(), again.toString());
            }
            return null;
        }
    }
}
