package org.opsbot.bot.slack.ops;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.handler.builtin.BlockActionHandler;
import com.slack.api.bolt.handler.builtin.ViewSubmissionHandler;
import com.slack.api.model.event.AppHomeOpenedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A feature's routes are refused at start-up when their ids break the scheme or collide. */
class SlackRoutesTest {
    private static final BlockActionHandler CLICK = (req, ctx) -> ctx.ack();
    private static final ViewSubmissionHandler SUBMIT = (req, ctx) -> ctx.ack();

    private static App app() {
        return new App(AppConfig.builder().signingSecret("secret").build());
    }

    @Test
    void anIdOfAnotherFormThanFeatureDotVerbIsRefused() {
        for (String id : List.of("incident-ack", "alert.Ack", "alert.run_runbook", "alert.", "alert.ack.now", "alert.-ack",
                "actions.approve")) {
            assertThatThrownBy(() -> SlackRoutes.of("alert").button(id, CLICK)).as(id)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alert.verb");
        }
        assertThatThrownBy(() -> SlackRoutes.of("action").form("actions.params", SUBMIT))
                .hasMessageContaining("action.verb");
    }

    @Test
    void anIdRoutedTwiceIsRefused() {
        assertThatThrownBy(() -> SlackRoutes.of("alert").button("alert.ack", CLICK).button("alert.ack", CLICK))
                .hasMessageContaining("'alert.ack' is routed twice");
    }

    @Test
    void aLegacyIdNamingNoRouteIsRefusedAtStartUp() {
        SlackRoutes alerts = SlackRoutes.of("alert", Map.of("alert.runbook", "alert.run")).button("alert.ack", CLICK);

        assertThatThrownBy(() -> SlackRoutes.register(app(), List.of(alerts)))
                .hasMessageContaining("legacy id 'alert.runbook' names 'alert.run', which feature alert does not route");
    }

    @Test
    void anIdTwoFeaturesAnswerIsRefusedAtStartUp() {
        SlackRoutes alerts = SlackRoutes.of("alert", Map.of("ack", "alert.ack")).button("alert.ack", CLICK);
        SlackRoutes incidents = SlackRoutes.of("incident", Map.of("ack", "incident.ack")).button("incident.ack", CLICK);

        assertThatThrownBy(() -> SlackRoutes.register(app(), List.of(alerts, incidents)))
                .hasMessageContaining("'ack' is routed by feature alert and by feature incident");
    }

    @Test
    void anEventTwoFeaturesAnswerIsRefusedAtStartUp() {
        var home = SlackRoutes.of("home").event(AppHomeOpenedEvent.class, (payload, ctx) -> ctx.ack());
        var other = SlackRoutes.of("other").event(AppHomeOpenedEvent.class, (payload, ctx) -> ctx.ack());

        assertThatThrownBy(() -> SlackRoutes.register(app(), List.of(home, other)))
                .hasMessageContaining("AppHomeOpenedEvent").hasMessageContaining("home").hasMessageContaining("other");
        assertThatCode(() -> SlackRoutes.register(app(), List.of(home))).doesNotThrowAnyException();
    }

    @Test
    void routesWhoseIdsAndLegacyIdsAreInOrderRegister() {
        SlackRoutes actions = SlackRoutes.of("action", Map.of("actions.reject", "action.reject",
                        "actions.reject-reason", "action.confirm-reject"))
                .button("action.break-glass", CLICK).button("action.reject", CLICK).form("action.confirm-reject", SUBMIT);

        assertThatCode(() -> SlackRoutes.register(app(), List.of(actions, SlackRoutes.none()))).doesNotThrowAnyException();
    }
}
