package org.opsbot.bot.checks;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.outbox.SentPosts;
import org.opsbot.commands.model.ChecklistTick;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.RunbookChecklists;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runbook views in channels and their checklist ticks. A tick is recorded by
 * {@link RunbookChecklists} and the view it was made on is re-rendered through the outbox. Ticks
 * are a record: unticking a box does not erase one, and the box shows it ticked again.
 */
final class Checklists {
    private final RunbookCatalog catalog;
    private final RunbookChecklists ticks;
    private final Outbox outbox;
    private final SentPosts posts;
    private final Clock clock;

    /** @param posts to find the outbox post a tick was made on, by its Slack ts */
    Checklists(RunbookCatalog catalog, RunbookChecklists ticks, Outbox outbox, SentPosts posts, Clock clock) {
        this.catalog = catalog;
        this.ticks = ticks;
        this.outbox = outbox;
        this.posts = posts;
        this.clock = clock;
    }

    /** Posts the view of {@code runbook} to {@code channel}. */
    void show(Runbook runbook, String slash, String channel) {
        // Ticks are stored in milliseconds; the view's "since" must compare equal to them.
        Instant since = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        outbox.post(channel, RunbookMessage.view(runbook, slash, since, List.of()));
    }

    /**
     * A change of one checkbox group.
     *
     * @param selected  the positions now selected in that group (Slack sends the whole selection)
     * @param messageTs the message the group is on, as Slack names it
     */
    void ticked(String blockId, Set<Integer> selected, String user, String channel, String messageTs) {
        Optional<RunbookMessage.ChecklistBlock> block = RunbookMessage.ChecklistBlock.parse(blockId);
        if (block.isEmpty()) {
            return;
        }
        Optional<Runbook> runbook = catalog.find(block.get().runbook());
        if (runbook.isEmpty()) {
            outbox.ephemeral(channel, user, SlackMessage.text("The runbook " + SlackText.code(block.get().runbook(), 100)
                    + " no longer exists; nothing was recorded."));
            return;
        }
        Runbook r = runbook.get();
        Instant since = block.get().since();
        List<ChecklistTick> now = ticks.tick(r, since, selected, user);
        Optional<Long> message = messageTs == null ? Optional.empty() : posts.idOf(channel, messageTs);
        if (message.isEmpty()) {
            outbox.ephemeral(channel, user, SlackMessage.text("Recorded. (This message was not posted by this opsbot,"
                    + " so it cannot show the tick; " + SlackText.code("/ops runbook " + r.name()) + " shows a fresh one.)"));
            return;
        }
        outbox.update(message.get(), RunbookMessage.view(r, "/ops", since, now));
    }
}
