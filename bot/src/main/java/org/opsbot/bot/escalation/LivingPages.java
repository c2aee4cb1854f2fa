package org.opsbot.bot.escalation;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SentPosts;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Escalation;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.escalation.PageDms;
import org.opsbot.commands.model.PageDm;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.model.Walk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Page DMs that live: a person's pages during a storm gather into one DM ({@link PageDms} decides
 * which), each DM is redrawn in place whenever a subject in it changes, and its Acknowledge all
 * acts on each subject still open. Redraws run one at a time off the caller's thread, and
 * requests for a DM already waiting to be redrawn fold into that one (it reads the newest state);
 * the outbox then folds pending updates of one message into its newest, so a burst of changes
 * costs Slack one {@code chat.update}. The queue is only the fast way: a redraw is owed in the
 * database from the change's own transaction ({@link PageDms#owed()}) until a draw has read the
 * change, so a redraw lost with a process that died is made by {@link #redrawOwed()}.
 */
final class LivingPages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LivingPages.class);

    private final PageDms dms;
    private final Outbox outbox;
    private final Subjects subjects;
    private final Supplier<Escalations> escalations;
    private final SentPosts sent;
    // A platform thread: redrawing reads SQLite, whose native calls would pin a virtual thread's carrier.
    private final ExecutorService redrawer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("opsbot-page-dms").daemon().factory());
    private final Set<Long> waiting = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> people = new ConcurrentHashMap<>();

    private final java.util.function.Function<String, Optional<com.slack.api.model.block.LayoutBlock>> contacts;

    LivingPages(PageDms dms, Outbox outbox, Subjects subjects, Supplier<Escalations> escalations, SentPosts sent) {
        this(dms, outbox, subjects, escalations, sent, team -> Optional.empty());
    }

    /** @param contacts a team's contacts line (ContactsText), so whom to call is in the DM itself */
    LivingPages(PageDms dms, Outbox outbox, Subjects subjects, Supplier<Escalations> escalations, SentPosts sent,
                java.util.function.Function<String, Optional<com.slack.api.model.block.LayoutBlock>> contacts) {
        this.dms = dms;
        this.outbox = outbox;
        this.subjects = subjects;
        this.escalations = escalations;
        this.sent = sent;
        this.contacts = contacts;
    }

    /**
     * Pages {@code userId} about {@code walk}'s subject: a DM of its own, or a line in the DM
     * gathering their pages now, told in its thread too (an edit does not notify).
     */
    void page(String userId, Walk walk, OnCallRoster.TierOnCall tier, String why) {
        // One person's pages one at a time, so that two cannot both open a DM.
        synchronized (people.computeIfAbsent(userId, u -> new Object())) {
            PageDm.Page page = dms.page(walk.subject(), tier.number(), tier.name(), why);
            Optional<PageDm> gathering = dms.gathering(userId);
            if (gathering.isEmpty()) {
                long messageId = outbox.post(userId, withContacts(PageMessages.dm(0, List.of(line(page, Optional.of(walk)))),
                        List.of(walk.team())));
                dms.open(userId, messageId, page);
                return;
            }
            PageDm dm = gathering.get();
            boolean joined = dms.join(dm, page);
            redraw(dm.id());
            tellInThread(dm, page, walk, !joined);
        }
    }

    /**
     * A burst of pages goes into one thread reply: while the DM's newest reply began less than
     * {@link PageDms#REPLY_FOLD} ago it is updated to list them all (unsent, the update folds
     * into it, so it still notifies once); otherwise a new reply notifies again.
     */
    private void tellInThread(PageDm dm, PageDm.Page page, Walk walk, boolean again) {
        Optional<PageDms.Reply> open = dms.openReply(dm);
        if (open.isEmpty()) {
            long id = outbox.reply(dm.messageId(), PageMessages.reply(List.of(line(page, Optional.of(walk))), 1, again));
            dms.replied(dm, id);
            return;
        }
        List<PageDm.Page> since = dms.pages(dm.id()).stream().filter(p -> !p.pagedAt().isBefore(open.get().since())).toList();
        List<PageMessages.Line> shown = since.stream().limit(PageMessages.SHOWN).map(p -> line(p, Optional.empty())).toList();
        outbox.update(open.get().id(), PageMessages.reply(shown, since.size(), again && since.size() == 1));
    }

    /** {@code subject} changed: every DM listing it is redrawn. */
    void changed(String subject) {
        dms.holding(subject).forEach(this::redraw);
    }

    /** Redraws the DMs owed a redraw: those a process that stopped (or failed to draw) left behind. */
    void redrawOwed() {
        dms.owed().forEach(this::redraw);
    }

    private void redraw(long dmId) {
        if (!waiting.add(dmId)) {
            return; // a redraw of it is queued and will read the newest state
        }
        try {
            redrawer.execute(() -> {
                waiting.remove(dmId);
                try {
                    draw(dmId);
                } catch (RuntimeException e) {
                    LOG.warn("redrawing page DM {} failed; it stays owed and is drawn again within {}", dmId,
                            EscalationFeature.OWED_REDRAWS, e);
                }
            });
        } catch (RejectedExecutionException e) {
            waiting.remove(dmId); // closing
        }
    }

    /** The page with the contacts line of each team it is about (at most two), when they have contacts. */
    private SlackMessage withContacts(SlackMessage page, List<String> teams) {
        List<com.slack.api.model.block.LayoutBlock> lines = teams.stream().flatMap(t -> contacts.apply(t).stream()).toList();
        if (lines.isEmpty()) {
            return page;
        }
        List<com.slack.api.model.block.LayoutBlock> blocks = new java.util.ArrayList<>(page.blocks());
        blocks.addAll(lines);
        return SlackMessage.of(page.text(), blocks);
    }

    /**
     * Draws the DM from what is stored now. Its version is read first, so a change stored while
     * it is drawn leaves it owed; the outbox has its update before the draw counts as done.
     */
    private void draw(long dmId) {
        dms.find(dmId).ifPresent(dm -> {
            List<PageMessages.Line> lines = dms.pages(dmId).stream().map(p -> line(p, Optional.empty())).toList();
            if (!lines.isEmpty()) {
                outbox.update(dm.messageId(), withContacts(PageMessages.dm(dmId, lines), lines.stream()
                        .flatMap(l -> l.subject().map(Subjects.Description::team).stream()).distinct().limit(2).toList()));
            }
            dms.drawn(dm);
        });
    }

    /**
     * Acknowledge all: acknowledges each subject of the DM still open as {@code userId}, each as
     * its own Acknowledge would (its rules, its audit entry, its escalation); says how many were,
     * and which were already acknowledged or resolved.
     */
    String acknowledgeAll(long dmId, String userId) {
        Optional<PageDm> dm = dms.find(dmId);
        if (dm.isEmpty()) {
            return Subjects.NOTHING_TO_ACKNOWLEDGE;
        }
        if (!dm.get().userId().equals(userId)) {
            return ":warning: These pages are " + SlackText.user(dm.get().userId()) + "'s; acknowledge the groups themselves.";
        }
        int acknowledged = 0;
        List<String> already = new ArrayList<>();
        List<String> resolved = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (PageDm.Page page : dms.pages(dmId)) {
            Optional<Subject> subject = Subject.parse(page.subject());
            Optional<Subjects.Description> before = subject.flatMap(subjects::find);
            if (before.isEmpty()) {
                continue;
            }
            String name = name(before.get());
            switch (before.get().standing().state()) {
                case ACKNOWLEDGED -> already.add(name);
                case RESOLVED -> resolved.add(name);
                case OPEN, SNOOZED -> {
                    String answer = subjects.acknowledge(subject.get(), userId);
                    boolean done = subjects.find(subject.get())
                            .map(d -> d.standing().state() == Subjects.Standing.State.ACKNOWLEDGED).orElse(false);
                    if (done) {
                        acknowledged++;
                    } else {
                        refused.add(name + ": " + answer);
                    }
                }
            }
        }
        StringBuilder answer = new StringBuilder(acknowledged > 0
                ? ":white_check_mark: Acknowledged " + acknowledged + (acknowledged == 1 ? " page" : " pages")
                + " — escalation stopped for " + (acknowledged == 1 ? "it" : "each") + "."
                : "Nothing was left to acknowledge.");
        if (!already.isEmpty()) {
            answer.append("\nAlready acknowledged: ").append(listed(already)).append('.');
        }
        if (!resolved.isEmpty()) {
            answer.append("\nAlready resolved: ").append(listed(resolved)).append('.');
        }
        if (!refused.isEmpty()) {
            answer.append("\nNot acknowledged:\n• ").append(String.join("\n• ", refused.stream().limit(PageMessages.SHOWN).toList()));
        }
        return SlackText.fit(answer.toString(), 3000);
    }

    private static String listed(List<String> names) {
        return String.join(", ", names.stream().limit(PageMessages.SHOWN).toList())
                + (names.size() > PageMessages.SHOWN ? " and " + (names.size() - PageMessages.SHOWN) + " more" : "");
    }

    private static String name(Subjects.Description d) {
        return d.ref().isEmpty() ? SlackText.plain(d.title(), 80) : SlackText.escape(d.ref()) + " " + SlackText.plain(d.title(), 60);
    }

    /** A page as its DM shows it now: the subject's own state, and how far its walk went past the person. */
    private PageMessages.Line line(PageDm.Page page, Optional<Walk> given) {
        Optional<Subjects.Description> subject = Subject.parse(page.subject()).flatMap(subjects::find);
        Escalations engine = escalations.get();
        Optional<Walk> walk = given.or(() -> engine.find(page.subject()));
        String severity = subject.map(Subjects.Description::severity)
                .or(() -> walk.map(Walk::severity)).orElse("?");
        Optional<String> escalatedTo = walk
                .filter(w -> w.status() == Walk.Status.WALKING || w.status() == Walk.Status.ENDED)
                .filter(w -> w.lastTier() + 1 > page.tier())
                .flatMap(w -> tierName(engine.policyOf(w), w.lastTier()));
        Optional<String> link = subject.flatMap(Subjects.Description::threadParent).flatMap(sent::link)
                .or(() -> subject.flatMap(Subjects.Description::link));
        Optional<String> team = subject.map(Subjects.Description::team).or(() -> walk.map(Walk::team));
        return new PageMessages.Line(page, subject, severity, engine.rank(team, severity), escalatedTo, link);
    }

    private static Optional<String> tierName(Escalation policy, int index) {
        return index >= 0 && index < policy.tiers().size()
                ? Optional.of("tier " + (index + 1) + " (" + policy.tiers().get(index).name() + ")") : Optional.empty();
    }

    @Override
    public void close() {
        redrawer.shutdown();
    }
}
