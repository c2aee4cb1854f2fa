package org.opsbot.commands.check;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one list of check kinds, which the runbook parser and the runner both look kinds up in. */
class CheckKindsTest {

    @Test
    void everyKindIsRegisteredOnceInTheOrderMessagesListThem() {
        assertThat(CheckKinds.keys()).containsExactly("http", "prometheus", "tcp", "sql", "disk", "file", "log", "exec");
        assertThat(CheckKinds.all()).extracting(CheckKind::probeType).doesNotHaveDuplicates();
    }

    @Test
    void aProbeKnowsItsKindThroughTheRegistry() {
        assertThat(new DiskKind.Disk("/").kind()).isEqualTo("disk");
        assertThat(HttpKind.Http.get("http://localhost/").kind()).isEqualTo("http");
        assertThat(CheckKinds.find("tcp")).get().extracting(CheckKind::probeType).isEqualTo(TcpKind.Tcp.class);
        assertThat(CheckKinds.find("files")).isEmpty();
    }

    @Test
    void aProbeOfAnUnregisteredKindSaysWhereToRegisterIt() {
        Probe stray = () -> "something";

        assertThatThrownBy(stray::kind).hasMessageContaining("add its kind to CheckKinds");
    }

    @Test
    void aProbeOfAnUnregisteredKindIsAnErrorOfItsCheckNotOfTheRun() {
        Probe stray = () -> "something";

        CheckResult r = Checks.run(new Check("stray", stray));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).contains("add its kind to CheckKinds");
    }

    @Test
    void onlyTheSqlKindsPasswordIsASecretOfTheProbe() {
        assertThat(new SqlKind.Sql("jdbc:sqlite::memory:", "SELECT 1", Optional.empty(), Optional.of("pa55word")).secrets())
                .containsExactly("pa55word");
        assertThat(new ExecKind.Exec("df", List.of("-h"), 0, Optional.empty()).secrets()).isEmpty();
    }
}
