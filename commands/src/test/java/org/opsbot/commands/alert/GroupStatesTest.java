package org.opsbot.commands.alert;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.StoredAlertGroup.Lifecycle;
import org.opsbot.commands.model.StoredAlertGroup.Mutes;
import org.opsbot.commands.model.StoredAlertGroup.State;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class GroupStatesTest {
    private static final long OPENED = 1_795_000_000_000L;
    private static final long NOW = OPENED + 600_000;
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";
    private static final String AM = "http://alertmanager:9093";

    private static StoredAlertGroup group(String source, String externalUrl, Lifecycle lifecycle, Mutes mutes) {
        return new StoredAlertGroup(7, new StoredAlertGroup.Route("k", source, "cdc", "#cdc-alerts",
                Map.of("alertname", "DiskFull"), externalUrl), "DiskFull", "P1", 0, lifecycle, mutes, 3L, OPENED, OPENED);
    }

    private static StoredAlertGroup firing() {
        return group("ALERTMANAGER", AM, GroupStates.opened(), Mutes.NONE);
    }

    private static StoredAlertGroup acknowledged() {
        return group("ALERTMANAGER", AM, new Lifecycle(State.ACKNOWLEDGED, ALICE, OPENED, null, null, false), Mutes.NONE);
    }

    private static StoredAlertGroup resolvedBy(String user) {
        return group("ALERTMANAGER", AM, new Lifecycle(State.RESOLVED, null, null, user, OPENED, false), Mutes.NONE);
    }

    private static StoredAlertGroup with(StoredAlertGroup g, Mutes mutes) {
        return g.with().mutes(mutes).build();
    }

    private static GroupStates.Moved moved(GroupStates.Move move) {
        assertThat(move).isInstanceOf(GroupStates.Moved.class);
        return (GroupStates.Moved) move;
    }

    private static String refused(GroupStates.Move move) {
        assertThat(move).isInstanceOf(GroupStates.Refused.class);
        return ((GroupStates.Refused) move).why();
    }

    private static String denied(Decision d) {
        assertThat(d).isInstanceOf(Decision.Denied.class);
        return ((Decision.Denied) d).reason();
    }

    // Acknowledge

    @Test
    void acknowledgingAFiringGroupRecordsWhoAndWhen() {
        GroupStates.Moved m = moved(GroupStates.acknowledge(firing(), ALICE, NOW));
        assertThat(m.group().lifecycle()).isEqualTo(new Lifecycle(State.ACKNOWLEDGED, ALICE, NOW, null, null, false));
        assertThat(m.group().updatedAt()).isEqualTo(NOW);
        assertThat(m.group().route()).isEqualTo(firing().route());
        assertThat(m.notes()).containsExactly(new AlertNote.Acknowledged(ALICE));
    }

    @Test
    void acknowledgingAnAcknowledgedGroupIsRefusedNamingWhoAcknowledgedIt() {
        assertThat(refused(GroupStates.acknowledge(acknowledged(), BOB, NOW))).isEqualTo("Already acknowledged by <@U0ALICE001>.");
    }

    @Test
    void acknowledgingAResolvedGroupIsRefusedSayingWhoResolvedIt() {
        assertThat(refused(GroupStates.acknowledge(resolvedBy(BOB), ALICE, NOW))).isEqualTo("<@U0BOB00001> resolved it already.");
        assertThat(refused(GroupStates.acknowledge(resolvedBy(null), ALICE, NOW))).isEqualTo("It was resolved at the source already.");
    }

    // Unacknowledge

    @Test
    void unacknowledgingPutsTheGroupBackToFiringWithNobodyOnIt() {
        GroupStates.Moved m = moved(GroupStates.unacknowledge(acknowledged(), BOB, NOW));
        assertThat(m.group().lifecycle()).isEqualTo(GroupStates.opened());
        assertThat(m.notes()).containsExactly(new AlertNote.Unacknowledged(BOB));
    }

    @Test
    void unacknowledgingAGroupNobodyAcknowledgedIsRefused() {
        assertThat(refused(GroupStates.unacknowledge(firing(), BOB, NOW))).isEqualTo("Nobody has acknowledged it.");
    }

    @Test
    void unacknowledgingAResolvedGroupIsRefused() {
        assertThat(refused(GroupStates.unacknowledge(resolvedBy(BOB), ALICE, NOW))).isEqualTo("<@U0BOB00001> resolved it already.");
    }

    // Resolve

    @Test
    void resolvingByHandRecordsWhoAndKeepsWhoAcknowledged() {
        StoredAlertGroup noted = acknowledged().with()
                .lifecycle(new Lifecycle(State.ACKNOWLEDGED, ALICE, OPENED, null, null, true)).build();
        GroupStates.Moved m = moved(GroupStates.resolve(noted, BOB, NOW));
        assertThat(m.group().lifecycle()).isEqualTo(new Lifecycle(State.RESOLVED, ALICE, OPENED, BOB, NOW, false));
        assertThat(m.notes()).containsExactly(new AlertNote.ResolvedByHand(BOB));
    }

    @Test
    void resolvingAResolvedGroupIsRefused() {
        assertThat(refused(GroupStates.resolve(resolvedBy(null), BOB, NOW))).isEqualTo("It was resolved at the source already.");
    }

    // Snooze

    @Test
    void snoozingMutesTheBotUntilThenAndKeepsTheSilence() {
        Instant until = Instant.ofEpochMilli(NOW + 3_600_000);
        StoredAlertGroup silenced = with(firing(), new Mutes(null, null, "s-1", ALICE, NOW + 7_200_000));
        GroupStates.Moved m = moved(GroupStates.snooze(silenced, BOB, until, NOW));
        assertThat(m.group().mutes()).isEqualTo(new Mutes(BOB, NOW + 3_600_000, "s-1", ALICE, NOW + 7_200_000));
        assertThat(m.group().state()).isEqualTo(State.FIRING);
        assertThat(m.notes()).containsExactly(new AlertNote.Snoozed(BOB, until));
    }

    @Test
    void snoozingAnAcknowledgedGroupIsAllowed() {
        assertThat(GroupStates.snooze(acknowledged(), BOB, Instant.ofEpochMilli(NOW + 1), NOW)).isInstanceOf(GroupStates.Moved.class);
    }

    @Test
    void snoozingAResolvedGroupIsRefused() {
        assertThat(refused(GroupStates.snooze(resolvedBy(BOB), ALICE, Instant.ofEpochMilli(NOW + 1), NOW)))
                .isEqualTo("<@U0BOB00001> resolved it already.");
    }

    // Escalate

    @Test
    void anOpenGroupMayBeEscalated() {
        assertThat(GroupStates.mayEscalate(firing()).allowed()).isTrue();
        assertThat(GroupStates.mayEscalate(acknowledged()).allowed()).isTrue();
    }

    @Test
    void aResolvedGroupMayNotBeEscalated() {
        assertThat(denied(GroupStates.mayEscalate(resolvedBy(BOB)))).isEqualTo("It is resolved: there is nobody to escalate to.");
    }

    // Silence

    @Test
    void aGroupFromAnAlertmanagerThatSentItsAddressMayBeSilenced() {
        assertThat(GroupStates.silenceable(firing())).isTrue();
        assertThat(GroupStates.maySilence(firing()).allowed()).isTrue();
    }

    @Test
    void aGroupFromAnotherSourceMayNotBeSilenced() {
        for (String source : new String[] {"GRAFANA", "GENERIC", "GONE"}) {
            StoredAlertGroup g = group(source, AM, GroupStates.opened(), Mutes.NONE);
            assertThat(GroupStates.silenceable(g)).as(source).isFalse();
            assertThat(denied(GroupStates.maySilence(g))).as(source).isEqualTo("Only groups from an Alertmanager that sent its "
                    + "`externalURL` can be silenced from here. Snooze mutes the bot instead.");
        }
    }

    @Test
    void aGroupFromAnAlertmanagerThatSentNoAddressMayNotBeSilenced() {
        StoredAlertGroup g = group("ALERTMANAGER", null, GroupStates.opened(), Mutes.NONE);
        assertThat(GroupStates.silenceable(g)).isFalse();
        assertThat(denied(GroupStates.maySilence(g))).startsWith("Only groups from an Alertmanager");
    }

    @Test
    void aSilencedGroupMayNotBeSilencedAgain() {
        StoredAlertGroup g = with(firing(), new Mutes(null, null, "s-1", ALICE, NOW + 1));
        assertThat(denied(GroupStates.maySilence(g))).isEqualTo("It is silenced already, by <@U0ALICE001>.");
    }

    @Test
    void aSilenceMadeAtTheSourceIsRecordedBesideTheSnooze() {
        Instant until = Instant.ofEpochMilli(NOW + 3_600_000);
        StoredAlertGroup snoozed = with(firing(), new Mutes(BOB, NOW + 60_000, null, null, null));
        GroupStates.Moved m = moved(GroupStates.silenced(snoozed, ALICE, until, "s-1", NOW));
        assertThat(m.group().mutes()).isEqualTo(new Mutes(BOB, NOW + 60_000, "s-1", ALICE, NOW + 3_600_000));
        assertThat(m.notes()).containsExactly(new AlertNote.Silenced(ALICE, until, "s-1"));
    }

    @Test
    void aSilencedGroupMayHaveItsSilenceExpired() {
        StoredAlertGroup g = with(firing(), new Mutes(BOB, NOW + 60_000, "s-1", ALICE, NOW + 1));
        assertThat(GroupStates.mayUnsilence(g).allowed()).isTrue();
        GroupStates.Moved m = moved(GroupStates.silenceRemoved(g, BOB, NOW));
        assertThat(m.group().mutes()).isEqualTo(new Mutes(BOB, NOW + 60_000, null, null, null));
        assertThat(m.notes()).containsExactly(new AlertNote.SilenceEnded(Optional.of(BOB)));
    }

    @Test
    void aGroupWithoutASilenceHasNoneToExpire() {
        assertThat(denied(GroupStates.mayUnsilence(firing()))).isEqualTo("It is not silenced.");
        assertThat(refused(GroupStates.silenceRemoved(firing(), BOB, NOW))).isEqualTo("It is not silenced.");
        StoredAlertGroup noAddress = group("ALERTMANAGER", null, GroupStates.opened(), new Mutes(null, null, "s-1", ALICE, NOW + 1));
        assertThat(denied(GroupStates.mayUnsilence(noAddress))).as("nowhere to expire it").isEqualTo("It is not silenced.");
    }

    // The source

    @Test
    void aGroupOpensFiringWithNobodyOnIt() {
        assertThat(GroupStates.opened()).isEqualTo(new Lifecycle(State.FIRING, null, null, null, null, false));
    }

    @Test
    void resolvedAtTheSourceNamesNobodyAndKeepsWhoAcknowledged() {
        assertThat(GroupStates.resolvedAtSource(acknowledged().lifecycle(), NOW))
                .isEqualTo(new Lifecycle(State.RESOLVED, ALICE, OPENED, null, NOW, false));
    }

    @Test
    void reopeningForgetsWhoAcknowledgedAndResolvedTheLastEpisode() {
        assertThat(GroupStates.reopened()).isEqualTo(GroupStates.opened());
    }

    @Test
    void aGroupResolvedByHandThatStillFiresAtTheSourceIsToldSoOnce() {
        Lifecycle byHand = resolvedBy(BOB).lifecycle();
        Optional<Lifecycle> noted = GroupStates.stillFiringAtSource(byHand);
        assertThat(noted).contains(new Lifecycle(State.RESOLVED, null, null, BOB, OPENED, true));
        assertThat(GroupStates.stillFiringAtSource(noted.orElseThrow())).as("told once").isEmpty();
    }

    @Test
    void aGroupResolvedAtTheSourceOrStillOpenHasNothingToTellAboutFiring() {
        assertThat(GroupStates.stillFiringAtSource(resolvedBy(null).lifecycle())).isEmpty();
        assertThat(GroupStates.stillFiringAtSource(firing().lifecycle())).isEmpty();
    }

    // The clock

    @Test
    void aSnoozeAndASilenceEndWhenTheirTimeIsUp() {
        StoredAlertGroup g = with(firing(), new Mutes(BOB, NOW, "s-1", ALICE, NOW + 1));
        GroupStates.Moved snoozeOver = GroupStates.mutesEnded(g, NOW).orElseThrow();
        assertThat(snoozeOver.group().mutes()).isEqualTo(new Mutes(null, null, "s-1", ALICE, NOW + 1));
        assertThat(snoozeOver.notes()).containsExactly(new AlertNote.SnoozeEnded());

        GroupStates.Moved both = GroupStates.mutesEnded(g, NOW + 1).orElseThrow();
        assertThat(both.group().mutes()).isEqualTo(Mutes.NONE);
        assertThat(both.group().updatedAt()).isEqualTo(NOW + 1);
        assertThat(both.notes()).containsExactly(new AlertNote.SnoozeEnded(), new AlertNote.SilenceEnded(Optional.empty()));
    }

    @Test
    void mutesStillRunningEndNothing() {
        assertThat(GroupStates.mutesEnded(with(firing(), new Mutes(BOB, NOW + 1, "s-1", ALICE, NOW + 1)), NOW)).isEmpty();
        assertThat(GroupStates.mutesEnded(firing(), NOW)).isEmpty();
    }

    // What the message shows

    @Test
    void aGroupResolvedByHandWhileItsAlertsFireShowsNoLiveLinesNoSnoozeAndOffersNothing() {
        StoredAlertGroup g = with(resolvedBy(BOB), new Mutes(ALICE, NOW + 3_600_000, null, null, null));
        GroupStates.Shown shown = GroupStates.shown(g, 2, NOW);
        assertThat(shown.state()).isEqualTo(State.RESOLVED);
        assertThat(shown.alertsLive()).isFalse();
        assertThat(shown.offers()).isEmpty();
        assertThat(shown.snoozedUntil()).isEmpty();
        assertThat(shown.firingAtSource()).isEqualTo(2);
    }

    @Test
    void aGroupResolvedAtTheSourceHasNothingStillFiringToTell() {
        assertThat(GroupStates.shown(resolvedBy(null), 0, NOW).firingAtSource()).isZero();
    }

    @Test
    void aSilenceInEffectStillShowsOnAResolvedGroupAsItHoldsBackTheSource() {
        StoredAlertGroup g = with(resolvedBy(BOB), new Mutes(null, null, "s-1", ALICE, NOW + 60_000));
        assertThat(GroupStates.shown(g, 0, NOW).silencedUntil()).contains(NOW + 60_000);
    }

    @Test
    void aFiringGroupOffersAcknowledgeAndAnAcknowledgedOneUnacknowledge() {
        assertThat(GroupStates.shown(firing(), 1, NOW).offers()).contains(GroupStates.Offer.ACKNOWLEDGE, GroupStates.Offer.RESOLVE,
                GroupStates.Offer.SILENCE).doesNotContain(GroupStates.Offer.UNACKNOWLEDGE);
        assertThat(GroupStates.shown(acknowledged(), 1, NOW).offers()).contains(GroupStates.Offer.UNACKNOWLEDGE)
                .doesNotContain(GroupStates.Offer.ACKNOWLEDGE);
    }

    @Test
    void aSilencedGroupDoesNotOfferSilenceAgainAndAnEndedSnoozeIsNotShown() {
        StoredAlertGroup g = with(firing(), new Mutes(ALICE, NOW, "s-1", ALICE, NOW + 60_000));
        GroupStates.Shown shown = GroupStates.shown(g, 1, NOW);
        assertThat(shown.offers()).doesNotContain(GroupStates.Offer.SILENCE);
        assertThat(shown.snoozedUntil()).isEmpty();
        assertThat(shown.silencedUntil()).contains(NOW + 60_000);
    }
}
