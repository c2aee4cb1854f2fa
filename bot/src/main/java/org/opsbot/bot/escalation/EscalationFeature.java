package org.opsbot.bot.escalation;

import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import io.micrometer.core.instrument.MeterRegistry;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.Pager;
import org.opsbot.commands.model.Walk;
import org.opsbot.bot.outbox.SentPosts;
import org.opsbot.commands.escalation.PageDms;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.model.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Escalation in Slack: pages go out as direct messages with Acknowledge and Escalate buttons
 * (this feature owns those action ids) and as notes in the subject's thread; a loop fires due
 * steps. Features that own subjects (alert groups) call {@link #escalations()} when theirs
 * open, are acknowledged or resolve, and register how to find them with {@link #subjects}.
 */
public final class EscalationFeature implements SlackFeature, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EscalationFeature.class);
    /** How often each replica redraws the page DMs owed a redraw (and once at start). */
    static final Duration OWED_REDRAWS = Duration.ofMinutes(1);

    private final Escalations escalations;
    private final AtomicReference<Subjects> subjects;
    private final Outbox outbox;
    private final Executor work;
    private final EscalationLoop loop;
    private final Optional<PagerWebhookWorker> webhookWorker;
    private final LivingPages pages;

    private EscalationFeature(Escalations escalations, AtomicReference<Subjects> subjects, Outbox outbox, Executor work,
                              EscalationLoop loop, Optional<PagerWebhookWorker> webhookWorker, LivingPages pages) {
        this.pages = pages;
        this.escalations = escalations;
        this.subjects = subjects;
        this.outbox = outbox;
        this.work = work;
        this.loop = loop;
        this.webhookWorker = webhookWorker;
    }

    /**
     * @param build    makes the engine from the pager this feature provides
     * @param webhooks the tiers' pager webhooks, when any tier has one
     * @param meters   where its loops count their failures; null for nowhere
     * @param db       where page DMs are kept (which DM a person's pages gather into)
     */
    public static EscalationFeature start(Function<Pager, Escalations> build, Outbox outbox, DoNotDisturb dnd,
                                          Optional<PagerWebhooks> webhooks, LeaseStore leases, String holder,
                                          Executor work, MeterRegistry meters, Database db, Clock clock) {
        return start(build, outbox, dnd, webhooks, leases, holder, work, meters, team -> Optional.empty(), db, clock);
    }

    /** @param contacts a team's contacts line, added to its page DMs */
    public static EscalationFeature start(Function<Pager, Escalations> build, Outbox outbox, DoNotDisturb dnd,
                                          Optional<PagerWebhooks> webhooks, LeaseStore leases, String holder,
                                          Executor work, MeterRegistry meters,
                                          Function<String, Optional<com.slack.api.model.block.LayoutBlock>> contacts,
                                          Database db, Clock clock) {
        AtomicReference<Subjects> subjects = new AtomicReference<>(Subjects.none());
        Subjects current = new Subjects() {
            @Override
            public Optional<Description> find(Subject subject) {
                return subjects.get().find(subject);
            }

            @Override
            public String acknowledge(Subject subject, String userId) {
                return subjects.get().acknowledge(subject, userId);
            }

            @Override
            public void paged(Subject subject, java.util.List<String> userIds) {
                subjects.get().paged(subject, userIds);
            }

            @Override
            public void changed(Subject subject) {
                subjects.get().changed(subject);
            }
        };
        AtomicReference<Escalations> engine = new AtomicReference<>();
        LivingPages pages = new LivingPages(new PageDms(db, clock), outbox, current, engine::get,
                new SentPosts(new OutboxStore(db, clock)), contacts);
        Escalations escalations = build.apply(new SlackPager(outbox, current, dnd, webhooks, pages));
        engine.set(escalations);
        EscalationLoop loop = new EscalationLoop(escalations, leases, holder, current, meters).start();
        // A call the pager refused or never took is said in the subject's thread, not only logged.
        webhooks.ifPresent(w -> w.reportTo((subject, text) -> Subject.parse(subject).flatMap(current::find)
                .flatMap(Subjects.Description::threadParent)
                .ifPresent(parent -> outbox.reply(parent, SlackMessage.text(SlackText.escape(text))))));
        // A tier reached by its pager alone is not reached when the pager does not take the page.
        webhooks.ifPresent(w -> w.unansweredTo((subject, tier, detail) -> escalations.pageUnanswered(subject, tier - 1, detail)));
        Optional<PagerWebhookWorker> worker = webhooks.map(w -> new PagerWebhookWorker(w, leases, holder, meters).start());
        return new EscalationFeature(escalations, subjects, outbox, work, loop, worker, pages);
    }

    public Escalations escalations() {
        return escalations;
    }

    /** Tells escalation how to describe and acknowledge the subjects a feature owns. */
    public void subjects(Subjects owner) {
        subjects.set(owner);
    }

    /**
     * A page DM whose redraw was lost (the process died between a change and its redraw, or the
     * draw failed) is redrawn at start and by the minute: the change left it owed in the database.
     */
    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(Scheduler.Job.onEveryReplica("page-dms", OWED_REDRAWS, pages::redrawOwed));
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("escalation")
                .button(SlackPager.ACK, this::acknowledge)
                .button(SlackPager.ESCALATE, this::escalate)
                .button(PageMessages.ACK_ALL, this::acknowledgeAll);
    }

    private Response acknowledge(BlockActionRequest req, ActionContext ctx) {
        return clicked(req, ctx, true);
    }

    private Response escalate(BlockActionRequest req, ActionContext ctx) {
        return clicked(req, ctx, false);
    }

    /** Acknowledge all on a gathered page DM; the answer goes into the DM's thread. */
    private Response acknowledgeAll(BlockActionRequest req, ActionContext ctx) {
        return answeredInThread(req, ctx, (value, user) -> {
            try {
                return pages.acknowledgeAll(Long.parseLong(value), user);
            } catch (NumberFormatException e) {
                return Subjects.NOTHING_TO_ACKNOWLEDGE;
            } catch (RuntimeException e) {
                LOG.error("acknowledging all of page DM {} failed", value, e);
                return ":x: That did not work (" + e.getClass().getSimpleName() + "); some may be acknowledged: "
                        + "the DM shows which. Try again, or use the buttons on the alerts.";
            }
        });
    }

    private Response clicked(BlockActionRequest req, ActionContext ctx, boolean acknowledge) {
        return answeredInThread(req, ctx, (subject, user) -> {
            try {
                if (acknowledge) {
                    return Subject.parse(subject).map(s -> subjects.get().acknowledge(s, user))
                            .orElse(Subjects.NOTHING_TO_ACKNOWLEDGE);
                }
                Optional<Walk> walk = escalations.escalate(subject, user, "from the page");
                walk.flatMap(w -> Subject.parse(subject)).ifPresent(s -> subjects.get().changed(s));
                return walk.isEmpty() ? "There is nothing to escalate any more."
                        : ":arrow_double_up: Escalated: the next tier is being paged.";
            } catch (RuntimeException e) {
                LOG.error("{} of {} from a page failed", acknowledge ? "acknowledging" : "escalating", subject, e);
                return ":x: That did not work (" + e.getClass().getSimpleName() + "); try again, or use the buttons on the alert.";
            }
        });
    }

    /**
     * Acks the click at once, then works out the {@code answer} to the button's value and the
     * clicking user (it touches the database and other people); the answer goes into the thread
     * of the message clicked, or into a DM when Slack did not say which message that was.
     */
    private Response answeredInThread(BlockActionRequest req, ActionContext ctx, BiFunction<String, String, String> answer) {
        var payload = req.getPayload();
        String value = payload.getActions().getFirst().getValue();
        String user = payload.getUser().getId();
        String channel = payload.getChannel() == null ? user : payload.getChannel().getId();
        String messageTs = payload.getContainer() == null ? null : payload.getContainer().getMessageTs();
        work.execute(() -> {
            SlackMessage reply = SlackMessage.text(answer.apply(value, user));
            if (messageTs != null) {
                outbox.reply(channel, messageTs, reply);
            } else {
                outbox.post(user, reply);
            }
        });
        return ctx.ack();
    }

    @Override
    public void close() {
        loop.close();
        webhookWorker.ifPresent(PagerWebhookWorker::close);
        pages.close();
    }
}
