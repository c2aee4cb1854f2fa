package org.opsbot.bot;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import org.opsbot.bot.outbox.SentPosts;
import org.opsbot.bot.outbox.SlackWebApi;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import okhttp3.OkHttpClient;
import com.slack.api.methods.MethodsClient;
import org.opsbot.bot.escalation.DoNotDisturb;
import org.opsbot.bot.escalation.EscalationFeature;
import org.opsbot.bot.escalation.PagerWebhooks;
import org.opsbot.bot.escalation.Subjects;
import org.opsbot.bot.incidents.IncidentsFeature;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.incident.Postmortems;
import org.opsbot.bot.checks.ChecksFeature;
import org.opsbot.bot.validation.RunbookValidator;
import org.opsbot.bot.checks.Runbooks;
import org.opsbot.bot.alerts.AlertsFeature;
import org.opsbot.bot.actions.ActionsFeature;
import org.opsbot.bot.procedures.ProceduresFeature;
import org.opsbot.bot.heartbeats.HeartbeatsFeature;
import org.opsbot.commands.heartbeat.Heartbeats;
import org.opsbot.bot.http.OpsbotServer;
import org.opsbot.bot.http.SeenSignatures;
import org.opsbot.bot.oncall.ContactsText;
import org.opsbot.bot.oncall.HandOffFacts;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.bot.oncall.NewGaps;
import org.opsbot.bot.oncall.OnCallFeature;
import org.opsbot.bot.maintenance.MaintenanceFeature;
import org.opsbot.commands.maintenance.Maintenance;
import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.bot.stats.StatsFeature;
import org.opsbot.bot.home.HomeFeature;
import org.opsbot.commands.config.TeamMembers;
import org.opsbot.commands.home.HomeViewers;
import org.opsbot.commands.stats.Stats;
import org.opsbot.bot.http.SlackStatus;
import org.opsbot.bot.http.SocketStatus;
import org.opsbot.bot.outbox.OutboxMeters;
import org.opsbot.bot.outbox.SlackOutbox;
import org.opsbot.bot.outbox.SlackReachability;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.BotIdentity;
import org.opsbot.bot.slack.MissingScopes;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.EventLedger;
import org.opsbot.bot.slack.SlackApp;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.SlackUserGroups;
import org.opsbot.bot.slack.SocketMode;
import org.opsbot.bot.slack.ops.OpsCommands;
import org.opsbot.bot.slack.ops.OpsRouter;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.approval.ActionRunner;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.approval.ScheduledActionAlerts;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.config.LiveConfig;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.escalation.CalendarTokens;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.escalation.SubjectLabels;
import org.opsbot.commands.escalation.SubjectStates;
import org.opsbot.commands.store.AlertStore;
import org.opsbot.commands.store.ActionStore;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.RunbookChecklists;
import org.opsbot.commands.runbook.RunbookSchedules;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.PagerWebhookStore;
import org.opsbot.commands.store.Replica;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.SettingStore;
import org.opsbot.commands.store.SlackEventStore;
import org.opsbot.commands.store.SlackSignatureStore;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.yaml.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The running bot: every part wired together, in the order that keeps promises. The database
 * and the outbox come first, so nothing is accepted before it can be stored; the HTTP server
 * comes last. Closing stops them in reverse.
 */
public final class Bot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bot.class);
    // Web API calls that take longer are cut off; a post is then looked for before it is repeated.
    static final Duration SLACK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration USER_GROUP_REFRESH = Duration.ofMinutes(5);
    // Slack retries an event for about an hour; a day of remembered ids is plenty.
    private static final Duration EVENT_MEMORY = Duration.ofDays(1);
    // Forgetting old event ids and signatures once an hour keeps their tables small enough.
    private static final Duration HOUSEKEEPING = Duration.ofHours(1);
    // Cron has minute granularity; a few seconds late is on time, and a tick costs a few reads.
    static final Duration SCHEDULER_TICK = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private Database database;
    private SlackOutbox slack;
    private OpsbotServer server;
    private PrometheusMeterRegistry meters;
    private GroupDirectory groups = GroupDirectory.none();
    private UserTimeZones zones;
    private DoNotDisturb dnd;
    private AccessPolicy policy;
    private ExecutorService handlers;
    private AlertsFeature alerts;
    private HeartbeatsFeature heartbeats;
    private OnCallFeature onCall;
    private Optional<MethodsClient> methods = Optional.empty();
    private Optional<SlackUserGroups> userGroups = Optional.empty();
    // What everything reads opsbot.yaml through, so that a reload takes effect at once.
    private LiveConfig live;
    private Optional<PagerWebhooks> webhooks = Optional.empty();
    private ConfigReload reload;
    private Scheduler scheduler;
    private final StartPhases phases = new StartPhases();

    private Bot() {
    }

    private void startParts(Settings settings, OpsbotConfig config, RunbookCatalog catalog, Clock clock) {
        // The server binds last, but a second bot on a port in use must stop before it touches
        // the database, sends from the outbox or runs the scheduler.
        OpsbotServer.checkPortFree(settings.port());
        settings.slackBotToken().ifPresent(token -> warmUpSlackClient(settings.slackApiUrl(), token));
        database = remember(Database.open(settings.databaseUrl()));
        phases.done("database");
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Slack's rate limits and retry waits are wall-clock time, whatever clock the features run on.
        slack = remember(SlackOutbox.start(database, settings.slackBotToken(), settings.slackApiUrl(), SLACK_TIMEOUT,
                Clock.systemUTC()));
        OutboxMeters.register(slack, meters);
        phases.done("outbox");

        BotIdentity identity = remember(new BotIdentity(settings.slackTeamId(), new SettingStore(database)));
        groups = GroupDirectory.none();
        zones = UserTimeZones.unknown();
        dnd = DoNotDisturb.nobody();
        if (settings.slackBotToken().isPresent()) {
            String token = settings.slackBotToken().get();
            identity.learn(token, settings.slackApiUrl());
            SlackConfig slackConfig = SlackWebApi.config(settings.slackApiUrl());
            // Reads that answer a request now (who is in a group, a user's time zone); every
            // message the bot sends goes through the outbox instead.
            MethodsClient reads = Slack.getInstance(slackConfig).methods(token);
            methods = Optional.of(reads);
            userGroups = Optional.of(new SlackUserGroups(reads));
            groups = userGroups.get();
            zones = UserTimeZones.from(reads);
            dnd = DoNotDisturb.askSlack(reads, clock);
        }
        phases.done("slack clients");

        handlers = Executors.newVirtualThreadPerTaskExecutor();
        parts.push(handlers::shutdown);
        policy = new AccessPolicy(config.roles(), config.permissions(), permissionKeys());
        live = new LiveConfig(config);
        List<SlackFeature> features = features(settings, live, catalog, clock);
        // Runbooks expand ${VAR} from this environment, as at start (Main's is this one).
        reload = new ConfigReload(settings, System.getenv(), live, catalog, policy, webhooks, new SettingStore(database),
                Replica.NAME);
        reload.whenApplied(new NewGaps(slack.outbox(), new OverrideStore(database, clock)::endingAfter, clock)::changed);
        OpsCommands commands = new OpsCommands(features.stream().flatMap(f -> f.commands().stream()).toList());
        PermissionKeys declared = PermissionKeys.union(features.stream().map(SlackFeature::permissionKeys).toList());
        if (!declared.equals(permissionKeys())) {
            throw new IllegalStateException("the features' commands declare the permission keys [" + declared
                    + "], but Bot.permissionKeys() lists [" + permissionKeys() + "]; add the feature's PERMISSION_KEYS there");
        }
        TeamMembers members = new TeamMembers(config, groups);
        OpsRouter router = new OpsRouter(commands, policy, groups, slack.outbox(), handlers, members::soleTeam);
        SlackEventStore events = new SlackEventStore(database, clock);
        var app = SlackApp.create(settings, identity::teamId, router, EventLedger.stored(events), slack.outbox(), meters,
                features);
        phases.done("slack app");

        SlackSignatureStore signatures = new SlackSignatureStore(database);
        scheduler = remember(new Scheduler(new LeaseStore(database, clock), clock, SCHEDULER_TICK,
                jobs(features, events, signatures), Replica.NAME, meters).start());

        // Socket Mode (SLACK_APP_TOKEN) delivers to the same app as /slack/events would; it starts
        // after everything a handler needs, and connects in the background.
        Optional<SocketMode> socket = settings.slackAppToken()
                .map(token -> remember(SocketMode.start(app, token, handlers, meters)));

        OpsbotServer.Builder http = OpsbotServer.builder();
        socket.ifPresent(s -> http.socketMode(() -> socketStatus(s.status())));
        server = remember(http
                .port(settings.port())
                .limits(settings.http())
                .slackApp(app)
                .signingSecret(settings.slackSigningSecret())
                .seenSignatures(signatures::firstDelivery)
                .slackDatabaseDown(DatabaseDown.beforeHandling(slack.outbox(), handlers))
                .databaseUp(database::isUp)
                .slackStatus(() -> slackStatus(slack.reachability().status()).withCannotPostIn(slack.reachability().cannotPostIn())
                        .withWarnings(MissingScopes.of(identity.scopes(), live.get())))
                .meters(meters)
                // Slack's timestamps are wall-clock time, whatever clock the features run on
                // (Bolt's own verifier reads the system clock too).
                .clock(Clock.systemUTC())
                .routes(routing -> {
                    alerts.routes(routing);
                    heartbeats.routes(routing);
                    onCall.routes(routing);
                })
                .start());
        phases.done("http");
        LOG.info("Started the bot's parts in {} ms: {}", phases.totalMillis(), phases.summary());
    }

    /**
     * Loads and initialises the Slack SDK's client (OkHttp, TLS and its trusted certificates,
     * Gson, the API's classes) on another thread while this one opens the database: about 80 ms
     * of CPU that the outbox's and the reads' clients below would otherwise spend on the start's
     * critical path. Those find it done (or wait for the class being initialised, no longer than
     * doing it themselves). Its own client is closed again: it only warms.
     */
    private static void warmUpSlackClient(String apiUrl, String token) {
        Thread.ofPlatform().daemon().name("opsbot-slack-warm-up").start(() -> {
            try (Slack slack = Slack.getInstance(SlackWebApi.config(apiUrl))) {
                slack.methods(token);
            } catch (Exception | LinkageError e) {
                LOG.debug("Warming up the Slack client failed; the first real client will say why", e);
            }
        });
    }

    /**
     * The keys opsbot.yaml's {@code permissions:} may name: what the commands of the features
     * below declare ({@code OpsCommand.permissionKeys()}), known before any feature is built, so
     * that {@code opsbot validate} and {@code serve} check the file against them. The start checks
     * that the running features declare exactly these, so a new key cannot be missing here.
     */
    public static PermissionKeys permissionKeys() {
        return PermissionKeys.union(List.of(
                ChecksFeature.PERMISSION_KEYS,
                OnCallFeature.PERMISSION_KEYS,
                MaintenanceFeature.PERMISSION_KEYS,
                IncidentsFeature.PERMISSION_KEYS,
                ActionsFeature.PERMISSION_KEYS,
                ProceduresFeature.PERMISSION_KEYS));
    }

    /**
     * Every capability the bot has, in the order {@code /ops help} lists their commands: the
     * one place a feature is added (its permission keys go into {@link #permissionKeys()}). Each is
     * built with what it needs from the parts above.
     */
    private List<SlackFeature> features(Settings settings, LiveConfig config, RunbookCatalog catalog, Clock clock) {
        AuditLog audit = new AuditLog(database, clock);
        OverrideStore overrides = new OverrideStore(database, clock);
        webhooks = pagerWebhooks(settings, config.get(), clock);
        EscalationFeature escalation = remember(EscalationFeature.start(
                pager -> new Escalations(new EscalationStore(database, clock), config, groups, overrides, audit, pager, clock,
                        SubjectLabels.stored(new AlertStore(database)), SubjectStates.stored(new AlertStore(database))),
                slack.outbox(), dnd, webhooks, new LeaseStore(database, clock), Replica.NAME, handlers,
                meters, team -> ContactsText.contextBlock(config.get(), Optional.of(team)), database, clock));
        phases.done("escalation");
        // Runbooks are read once, and checks and actions call out through one HTTP client.
        OkHttpClient http = CheckRunner.defaultHttpClient();
        Runbooks runbooks = runbooks(settings, config.get(), catalog, clock, http);
        phases.done("runbooks");
        ChecksFeature checks = new ChecksFeature(runbooks, config, new RunbookChecklists(database, audit, clock),
                new RunbookSchedules(database, Replica.NAME), slack.outbox(), new SentPosts(new OutboxStore(database, clock)),
                handlers, policy, groups, clock);
        // The Run runbook button on an alert group runs its checks into the group's thread; its
        // Declare incident button is the incidents feature's, so alerts need not know incidents.
        Maintenance maintenance = new Maintenance(database, () -> config.get().maintenance(), audit, clock);
        alerts = new AlertsFeature(database, config, slack.outbox(), groups, settings.webhookTokens(), meters,
                escalation.escalations(), checks::runInThread, IncidentsFeature::declareButton, maintenance, handlers, clock);
        phases.done("checks, alerts");
        IncidentsFeature incidents = incidents(settings, config, clock, audit, escalation.escalations());
        escalation.subjects(Subjects.byKind(Map.of(Subject.Kind.ALERT_GROUP, alerts.subjects(),
                Subject.Kind.INCIDENT, incidents.subjects())));
        phases.done("incidents");
        ActionsFeature actions = actions(settings, config, clock, audit, runbooks.catalog(), http);
        phases.done("actions");
        ProceduresFeature procedures = new ProceduresFeature(runbooks.catalog(), runbooks.checks(), actions,
                incidents.incidents(), database, audit, slack.outbox(), policy, groups, handlers, clock);
        heartbeats = new HeartbeatsFeature(new Heartbeats(database, config, clock), settings.heartbeatTokens(), alerts::raise);
        onCall = new OnCallFeature(config, new Overrides(database, config, audit, clock, settings.overrideMax()),
                new CalendarTokens(database, audit, clock), settings.publicUrl(), groups, zones, clock,
                new OnCallFeature.Wiring(database, slack.outbox(), HandOffFacts.of(new Alerts(database, config, clock), maintenance),
                        audit, handlers));
        HomeFeature home = new HomeFeature(new HomeViewers(database, clock), config, new TeamMembers(config, groups),
                alerts.alerts(), actions.approvals(), incidents.incidents(), escalation.escalations(), overrides::endingAfter,
                zones, slack.outbox(),
                handlers, clock, maintenance::overview);
        return List.of(
                checks,
                alerts,
                onCall,
                new MaintenanceFeature(maintenance, config, slack.outbox(), alerts, checks, actions, zones, Replica.NAME, clock),
                escalation,
                incidents,
                actions,
                procedures,
                heartbeats,
                new StatsFeature(Stats.over(database, config, clock),
                        config, slack.outbox(), new SentPosts(new OutboxStore(database, clock)), zones, clock),
                home);
    }

    /** Incidents and postmortems; templates in OPSBOT_TEMPLATES override the bundled ones. */
    private IncidentsFeature incidents(Settings settings, LiveConfig config, Clock clock, AuditLog audit, Escalations escalations) {
        Incidents incidents = new Incidents(database, config, escalations, audit, clock);
        return new IncidentsFeature(incidents, new Postmortems(incidents, settings.templatesDir(), clock),
                policy, groups, slack.outbox(), handlers);
    }

    /**
     * The tiers' pager webhooks, their headers filled in from the environment now: a variable
     * that is not set stops the start, not a page at 3 a.m. Retries are wall-clock time. In
     * dry-run (no Slack token) they are written to the log instead of sent, like Slack messages.
     */
    private Optional<PagerWebhooks> pagerWebhooks(Settings settings, OpsbotConfig config, Clock clock) {
        PagerWebhooks webhooks = PagerWebhooks.of(config, System.getenv(), new PagerWebhookStore(database, clock), clock,
                settings.slackBotToken().isEmpty());
        return webhooks.any() ? Optional.of(webhooks) : Optional.empty();
    }

    /** Runbook actions with approvals; its sweep (expiry, interrupted runs) stops with the bot. */
    private ActionsFeature actions(Settings settings, LiveConfig config, Clock clock, AuditLog audit,
                                   RunbookCatalog catalog, OkHttpClient http) {
        // In production Main's environment is this one: runbooks expand ${VAR} from it, and the
        // values of secret-looking variables are masked in what actions print.
        Map<String, String> env = System.getenv();
        ExecAllowList allowList = Runbooks.allowList(settings);
        SecretMasker masker = SecretMasker.fromEnvironment(env);
        Approvals approvals = new Approvals(catalog, () -> config.get().roles(), new ActionStore(database),
                new ActionRunner(http, allowList, masker, ActionRunner.TIMEOUT),
                audit, masker, clock);
        // Scheduled actions' failures are alerts of the team: raised where webhooks' alerts arrive.
        return new ActionsFeature(approvals, audit, config, slack.outbox(), policy, groups, handlers,
                Optional.of(new ActionsFeature.Scheduling(new RunbookSchedules(database, Replica.NAME),
                        new ScheduledActionAlerts(database), alerts::raise)));
    }

    /** Refuses to start on invalid runbooks, with the messages of {@code opsbot validate}. */
    private Runbooks runbooks(Settings settings, OpsbotConfig config, RunbookCatalog catalog, Clock clock,
                              OkHttpClient http) {
        // In production Main's environment is this one; runbooks expand ${VAR} from it. Checked
        // again because a bot started without Main must refuse bad runbooks too; it is cheap, as
        // the folder is not read again.
        Runbooks runbooks = Runbooks.open(settings, System.getenv(), catalog, database, clock, http);
        List<Problem> problems = RunbookValidator.problems(settings, runbooks.catalog(), config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the runbooks have " + problems.size() + " problem(s):\n"
                    + String.join("\n", problems.stream().map(Problem::format).toList()));
        }
        return runbooks;
    }

    /** Starts the bot, reading the runbook folder itself (tests; {@code opsbot serve} passes what it validated). */
    public static Bot start(Settings settings, OpsbotConfig config, Clock clock) {
        return start(settings, config, Runbooks.catalog(settings, System.getenv()), clock);
    }

    /**
     * Starts the bot; on failure, whatever had started is stopped again before the exception.
     *
     * @param runbooks the runbook folder as {@code opsbot serve} read and validated it
     */
    public static Bot start(Settings settings, OpsbotConfig config, RunbookCatalog runbooks, Clock clock) {
        Bot bot = new Bot();
        try {
            bot.startParts(settings, config, runbooks, clock);
            return bot;
        } catch (RuntimeException e) {
            bot.close();
            throw e;
        }
    }

    /** {@code SIGHUP}: opsbot.yaml and the runbooks are read again here, and every other replica is asked to. */
    public ConfigReload.Outcome reloadOnSignal() {
        return reload.onSignal();
    }

    public int port() {
        return server.port();
    }

    /**
     * The lease holder's jobs run their next round now rather than at the next tick: a test that
     * moves its clock need not wait out the tick to see what falls due.
     */
    public void wakeScheduler() {
        scheduler.wake();
    }

    public Database database() {
        return database;
    }

    private <T extends AutoCloseable> T remember(T part) {
        parts.push(part);
        return part;
    }

    private static SlackStatus slackStatus(SlackReachability.Status status) {
        return switch (status.state()) {
            case DRY_RUN -> SlackStatus.dryRun();
            case UNREACHABLE -> SlackStatus.unreachableSince(status.since());
            case REACHABLE, UNKNOWN -> SlackStatus.reachable();
        };
    }

    private static SocketStatus socketStatus(SocketMode.Status status) {
        return new SocketStatus(switch (status.state()) {
            case CONNECTING -> SocketStatus.State.CONNECTING;
            case CONNECTED -> SocketStatus.State.CONNECTED;
            case RECONNECTING -> SocketStatus.State.RECONNECTING;
        }, status.since());
    }

    /**
     * Every job of the scheduler, in one list: the bot's own and the features' ({@code
     * SlackFeature.jobs()}). A job says whether it runs on the lease holder or on every replica.
     */
    private List<Scheduler.Job> jobs(List<SlackFeature> features, SlackEventStore events, SlackSignatureStore signatures) {
        List<Scheduler.Job> jobs = new ArrayList<>();
        // Each process keeps its own copy of the workspace's user groups.
        userGroups.ifPresent(g -> jobs.add(Scheduler.Job.onEveryReplica("usergroups", USER_GROUP_REFRESH, g::refresh)));
        // Idempotent deletes; every replica ran them before the scheduler did, and still does.
        jobs.add(Scheduler.Job.onEveryReplica("housekeeping", HOUSEKEEPING, () -> forgetOldDeliveries(events, signatures)));
        // A reload asked of any replica (opsbot reload, SIGHUP) is carried out by each.
        jobs.add(Scheduler.Job.onEveryReplica("config-reload", ConfigReload.POLL, reload::poll));
        features.forEach(f -> jobs.addAll(f.jobs()));
        return jobs;
    }

    /**
     * Forgets Events API deliveries Slack no longer retries, and the signatures of requests too
     * old to be accepted again (signature timestamps are wall-clock time).
     */
    private static void forgetOldDeliveries(SlackEventStore events, SlackSignatureStore signatures) {
        events.forgetOlderThan(EVENT_MEMORY);
        signatures.forgetSignedBefore(Clock.systemUTC().instant().minus(SeenSignatures.MEMORY));
    }

    @Override
    public void close() {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                LOG.warn("while stopping: {}", e.toString());
            }
        }
    }
}
