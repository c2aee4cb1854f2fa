package org.opsbot.bot.slack;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class SlackUserGroupsTest {

    private WireMockServer slackApi;
    private SlackUserGroups groups;

    @BeforeEach
    void start() {
        slackApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        slackApi.start();
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slackApi.baseUrl() + "/api/");
        groups = new SlackUserGroups(Slack.getInstance(config).methods("xoxb-test-token"));
    }

    @AfterEach
    void stop() {
        slackApi.stop();
    }

    private void slackHasOncall(String... users) {
        slackApi.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson(
                "{\"ok\":true,\"usergroups\":[{\"id\":\"S0ONCALL01\",\"team_id\":\"T0OWN00001\",\"name\":\"On call\","
                        + "\"handle\":\"oncall\",\"users\":[" + String.join(",", Arrays.stream(users)
                        .map(u -> "\"" + u + "\"").toList()) + "],\"user_count\":" + users.length + "}]}")));
    }

    @Test
    void membershipIsUnknownUntilTheFirstRefresh() {
        assertThat(groups.members("oncall")).isEmpty();
    }

    @Test
    void aRefreshLearnsEveryGroupsMembersInOneCall() {
        slackHasOncall("U0BOB00001", "U0CAROL001");

        assertThat(groups.refresh()).isTrue();

        assertThat(groups.members("oncall")).contains(Set.of("U0BOB00001", "U0CAROL001"));
        assertThat(groups.members("nosuchgroup")).contains(Set.of());
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/usergroups.list"))
                .withRequestBody(containing("include_users=1")));
    }

    @Test
    void aWorkspaceWithoutUserGroupsIsAnEmptyDirectoryNotAnError() {
        slackApi.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"ok\":true}")));

        assertThat(groups.refresh()).isTrue();
        assertThat(groups.members("oncall")).contains(Set.of());
    }

    @Test
    void aFailedRefreshKeepsTheLastKnownMembership() {
        slackHasOncall("U0BOB00001");
        groups.refresh();
        slackApi.resetAll();
        slackApi.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(aResponse().withStatus(503)));

        assertThat(groups.refresh()).isFalse();

        assertThat(groups.members("oncall")).contains(Set.of("U0BOB00001"));
    }
}
