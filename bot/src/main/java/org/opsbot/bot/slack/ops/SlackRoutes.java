package org.opsbot.bot.slack.ops;

import com.slack.api.bolt.App;
import com.slack.api.bolt.handler.BoltEventHandler;
import com.slack.api.bolt.handler.builtin.BlockActionHandler;
import com.slack.api.bolt.handler.builtin.ViewSubmissionHandler;
import com.slack.api.model.event.Event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The buttons, menus and forms one feature answers, each under one id of the form
 * {@code feature.verb}: the feature's name (its package's, in the singular), a dot, and what the
 * click or submission does, lower case, words joined by hyphens ({@code alert.ack},
 * {@code action.break-glass}, {@code action.confirm-reject}). A feature declares them all in
 * one place, its {@link SlackFeature#routes()}, one line per id.
 *
 * <p>Slack keeps a message's ids for as long as the message stays in a channel (an alert group
 * for days, an approval request until it is decided) and sends them back on every click: an id
 * once posted is never dropped. A renamed id keeps its old spelling as a <em>legacy</em> id,
 * routed to the same handler and translated to the current id before the handler sees it, so
 * handlers know one spelling only.
 */
public final class SlackRoutes {
    /** {@code feature.verb}: lower-case words, hyphens inside the verb. */
    private static final Pattern ID = Pattern.compile("[a-z]+\\.[a-z]+(?:-[a-z]+)*");
    private static final Pattern FEATURE = Pattern.compile("[a-z]+");

    /**
     * What Slack sends under an id: a block action (button, menu, checkboxes), a choice in an
     * {@link OverflowMenu} (a block action too, answered by the button it names), a form's
     * submission, or an Events API event a feature owns.
     */
    private enum Kind { BUTTON, OVERFLOW, FORM, EVENT }

    private record Route(Kind kind, String id, Object handler) {
    }

    private record EventRoute<E extends Event>(Class<E> type, BoltEventHandler<E> handler) {
        void registerOn(App app) {
            app.event(type, handler);
        }
    }

    private final String feature;
    private final Map<String, String> legacy;
    private final List<Route> routes = new ArrayList<>();
    private final List<EventRoute<?>> events = new ArrayList<>();

    private SlackRoutes(String feature, Map<String, String> legacy) {
        this.feature = feature;
        this.legacy = Map.copyOf(legacy);
    }

    /**
     * @param feature the prefix every id of this feature has ({@code alert})
     * @param legacy  ids posted in earlier versions → the current id that answers them
     */
    public static SlackRoutes of(String feature, Map<String, String> legacy) {
        if (!FEATURE.matcher(feature).matches()) {
            throw new IllegalArgumentException("a feature's name is lower-case letters, not '" + feature + "'");
        }
        return new SlackRoutes(feature, legacy);
    }

    public static SlackRoutes of(String feature) {
        return of(feature, Map.of());
    }

    /** A feature without buttons or forms. */
    public static SlackRoutes none() {
        return new SlackRoutes("", Map.of());
    }

    /** Clicks on a button, a menu or checkboxes whose {@code action_id} is {@code id}. */
    public SlackRoutes button(String id, BlockActionHandler handler) {
        return add(Kind.BUTTON, id, handler);
    }

    /**
     * Choices in an {@link OverflowMenu} whose {@code action_id} is {@code id}: each is answered
     * by the handler of the button the option stands for, in whichever feature routes it, as a
     * click on that button.
     */
    public SlackRoutes overflow(String id) {
        return add(Kind.OVERFLOW, id, id);
    }

    /** Submissions of a modal whose {@code callback_id} is {@code id}. */
    public SlackRoutes form(String id, ViewSubmissionHandler handler) {
        return add(Kind.FORM, id, handler);
    }

    /** Events API events of {@code type} ({@code app_home_opened}); one feature per type. */
    public <E extends Event> SlackRoutes event(Class<E> type, BoltEventHandler<E> handler) {
        if (events.stream().anyMatch(e -> e.type().equals(type))) {
            throw new IllegalArgumentException("the event " + type.getSimpleName() + " is routed twice");
        }
        events.add(new EventRoute<>(type, Objects.requireNonNull(handler)));
        return this;
    }

    private SlackRoutes add(Kind kind, String id, Object handler) {
        if (!ID.matcher(id).matches() || !id.startsWith(feature + ".")) {
            throw new IllegalArgumentException("'" + id + "' is not an id of the form " + feature + ".verb"
                    + " (lower case, words joined by hyphens)");
        }
        if (routes.stream().anyMatch(r -> r.kind() == kind && r.id().equals(id))) {
            throw new IllegalArgumentException("'" + id + "' is routed twice");
        }
        routes.add(new Route(kind, id, Objects.requireNonNull(handler)));
        return this;
    }

    /**
     * Registers every feature's routes, legacy ids included, on {@code app}. Refuses (at
     * start-up) a legacy id that names no route of its feature, and an id two features claim:
     * Bolt would let the later handler silently replace the earlier one.
     */
    public static void register(App app, List<SlackRoutes> features) {
        Map<String, String> owners = new HashMap<>();
        Map<String, BlockActionHandler> buttons = new HashMap<>();
        for (SlackRoutes f : features) {
            for (Route r : f.routes) {
                // A menu and a button share Slack's one space of action ids.
                claim(owners, r.kind() == Kind.FORM ? Kind.FORM : Kind.BUTTON, r.id(), f.feature);
                if (r.kind() == Kind.BUTTON) {
                    buttons.put(r.id(), (BlockActionHandler) r.handler());
                }
            }
            for (EventRoute<?> e : f.events) {
                claim(owners, Kind.EVENT, e.type().getName(), f.feature);
            }
            f.legacy.forEach((old, current) -> {
                List<Route> answering = f.routes.stream().filter(r -> r.id().equals(current)).toList();
                if (answering.isEmpty()) {
                    throw new IllegalStateException("legacy id '" + old + "' names '" + current
                            + "', which feature " + f.feature + " does not route");
                }
                answering.forEach(r -> claim(owners, r.kind(), old, f.feature));
            });
        }
        features.forEach(f -> f.registerOn(app, buttons));
    }

    private static void claim(Map<String, String> owners, Kind kind, String id, String feature) {
        String earlier = owners.putIfAbsent(kind + " " + id, feature);
        if (earlier != null) {
            throw new IllegalStateException("'" + id + "' is routed by feature " + earlier + " and by feature " + feature);
        }
    }

    private void registerOn(App app, Map<String, BlockActionHandler> buttons) {
        Map<String, List<String>> oldIds = new LinkedHashMap<>();
        legacy.forEach((old, current) -> oldIds.computeIfAbsent(current, c -> new ArrayList<>()).add(old));
        events.forEach(e -> e.registerOn(app));
        for (Route r : routes) {
            switch (r.kind()) {
                case BUTTON -> {
                    BlockActionHandler handler = (BlockActionHandler) r.handler();
                    app.blockAction(r.id(), handler);
                    for (String old : oldIds.getOrDefault(r.id(), List.of())) {
                        app.blockAction(old, (req, ctx) -> {
                            req.getPayload().getActions().stream().filter(a -> old.equals(a.getActionId()))
                                    .forEach(a -> a.setActionId(r.id()));
                            return handler.apply(req, ctx);
                        });
                    }
                }
                case OVERFLOW -> app.blockAction(r.id(), (req, ctx) -> {
                    // The option names a button (never another menu); what names none is only acknowledged.
                    var action = req.getPayload().getActions() == null ? null : req.getPayload().getActions().stream()
                            .filter(a -> r.id().equals(a.getActionId())).findFirst().orElse(null);
                    var chosen = action == null || action.getSelectedOption() == null ? Optional.<OverflowMenu.Chosen>empty()
                            : OverflowMenu.Chosen.of(action.getSelectedOption().getValue());
                    BlockActionHandler target = chosen.map(c -> buttons.get(c.id())).orElse(null);
                    if (target == null) {
                        return ctx.ack();
                    }
                    action.setActionId(chosen.get().id());
                    action.setValue(chosen.get().value());
                    action.setSelectedOption(null);
                    action.setType("button");
                    return target.apply(req, ctx);
                });
                case FORM -> {
                    ViewSubmissionHandler handler = (ViewSubmissionHandler) r.handler();
                    app.viewSubmission(r.id(), handler);
                    for (String old : oldIds.getOrDefault(r.id(), List.of())) {
                        app.viewSubmission(old, (req, ctx) -> {
                            if (req.getPayload().getView() != null) {
                                req.getPayload().getView().setCallbackId(r.id());
                            }
                            return handler.apply(req, ctx);
                        });
                    }
                }
                case EVENT -> throw new IllegalStateException("events are routed apart");
            }
        }
    }
}
