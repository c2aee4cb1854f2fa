package org.opsbot.commands.check;

import okhttp3.OkHttpClient;
import org.opsbot.commands.model.CheckResult;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A runner for tests, and a shortcut to run one check. */
final class Checks {
    static final OkHttpClient HTTP = CheckRunner.defaultHttpClient();

    private Checks() {
    }

    static CheckRunner runner(ExecAllowList allowList, SecretMasker masker) {
        return new CheckRunner(HTTP, allowList, masker, Clock.systemUTC());
    }

    static CheckRunner runner() {
        return runner(ExecAllowList.none(), SecretMasker.of());
    }

    static CheckResult run(Check check) {
        return run(runner(), check);
    }

    static CheckResult run(CheckRunner runner, Check check) {
        return runner.run("test", "Test", List.of(check), "cli", Duration.ofSeconds(30), ProgressListener.NONE)
                .results().get(0);
    }
}
